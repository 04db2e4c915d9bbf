import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from '../../src/local/crc32.ts'
import { emptyDamageReport } from '../../src/local/damage_report.ts'
import { WandbLogDamageError, WandbLogFormatError } from '../../src/local/errors.ts'
import {
  FRAME_END,
  FRAME_NEED_DATA,
  FRAME_RECORD,
  framePayloads,
  LogReader,
} from '../../src/local/log_reader.ts'
import { LogFramer } from '../../src/local/log_framer.ts'
import { filler, LogWriter, writeLog } from './_log_writer.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const BLOCK = 32768

/** Length and CRC of each payload: compact to compare and to print on failure. */
function digest(payloads: Uint8Array[]): string[] {
  return payloads.map((p) => `${p.length}:${crc32(p).toString(16)}`)
}

/** Frames bytes and returns payloads plus the report. */
function frame(bytes: Uint8Array, strict = false) {
  const report = emptyDamageReport('mem.wandb')
  const reader = LogReader.fromBytes(bytes, { report, strict })
  const payloads: Uint8Array[] = []
  const offsets: number[] = []
  let code: number
  while ((code = reader.next()) === FRAME_RECORD) {
    const f = reader.framer
    payloads.push(f.out.slice(f.outStart, f.outEnd))
    offsets.push(f.recordOffset)
  }
  assert.equal(code, FRAME_END)
  return { payloads, offsets, report, base: reader.blockBase }
}

/** Reads a file through LogReader with a given slab size. */
async function frameFile(path: string, readSize: number) {
  const report = emptyDamageReport(path)
  const reader = await LogReader.open(path, { report, readSize })
  const payloads: Uint8Array[] = []
  for (;;) {
    const code = reader.next()
    if (code === FRAME_RECORD) {
      payloads.push(reader.framer.out.slice(reader.framer.outStart, reader.framer.outEnd))
    } else if (code === FRAME_NEED_DATA) await reader.fill()
    else break
  }
  await reader.close()
  return { payloads, report, base: reader.blockBase }
}

function withTempFile<T>(bytes: Uint8Array, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-log-'))
  const path = join(dir, 'run-test.wandb')
  writeFileSync(path, bytes)
  return fn(path).finally(() => rmSync(dir, { recursive: true, force: true }))
}

const sizes = [100, 40000, 32761, 32762, 70000, 5, 0, 65522, 12]

test('records spanning blocks (FIRST/MIDDLE/LAST) round-trip with their offsets', () => {
  const w = new LogWriter()
  const originals = sizes.map((n, i) => filler(n, i))
  for (const p of originals) w.append(p)
  const types = new Set(w.chunks.map((c) => c.type))
  assert.deepEqual([...types].sort(), [1, 2, 3, 4], 'the writer produced every chunk type')
  const { payloads, offsets, report, base } = frame(w.bytes())
  assert.equal(base, 0)
  assert.deepEqual(digest(payloads), digest(originals))
  assert.deepEqual(offsets, w.offsets)
  assert.deepEqual(report.lostRanges, [])
  assert.equal(report.truncatedTail, false)
})

test('a zero-length FIRST chunk (exactly 7 bytes left in the block) is reassembled', () => {
  const w = new LogWriter()
  const a = filler(BLOCK - 7 - 7 - 7, 1) // leaves exactly 7 bytes in block 0
  const b = filler(500, 2)
  w.append(a)
  assert.equal(w.left, 7)
  w.append(b)
  assert.deepEqual(w.chunks.slice(1).map((c) => [c.type, c.length]), [[2, 0], [4, 500]])
  assert.deepEqual(digest(frame(w.bytes()).payloads), digest([a, b]))
})

test('1 to 6 bytes left at a block end are zero padding and are skipped', () => {
  for (let k = 1; k <= 6; k++) {
    const w = new LogWriter()
    const a = filler(BLOCK - 7 - 7 - k, k)
    const b = filler(300, 10 + k)
    w.append(a)
    assert.equal(w.left, k)
    w.append(b)
    const bytes = w.bytes()
    assert.deepEqual([...bytes.subarray(BLOCK - k, BLOCK)], new Array(k).fill(0))
    assert.equal(w.offsets[1], BLOCK)
    const { payloads, offsets, report } = frame(bytes)
    assert.deepEqual(digest(payloads), digest([a, b]), `padding ${k}`)
    assert.deepEqual(offsets, [7, BLOCK])
    assert.deepEqual(report.lostRanges, [])
  }
})

test('a nonzero block trailer is reported but loses no record', () => {
  const w = new LogWriter()
  const a = filler(BLOCK - 7 - 7 - 3, 1)
  const b = filler(300, 2)
  w.append(a)
  w.append(b)
  const bytes = w.bytes()
  bytes[BLOCK - 2] = 0x55
  const { payloads, report } = frame(bytes)
  assert.deepEqual(digest(payloads), digest([a, b]))
  assert.deepEqual(report.lostRanges, [{
    start: BLOCK - 3,
    end: BLOCK,
    reason: 'nonzero block trailer',
  }])
})

test('a record of several MB streams through small slabs from a file', async () => {
  const big = filler(5_000_000, 99)
  const originals = [filler(10, 1), big, filler(33000, 2), filler(1, 3)]
  const bytes = writeLog(originals)
  await withTempFile(bytes, async (path) => {
    const { payloads, report } = await frameFile(path, 128 * 1024)
    assert.equal(payloads.length, 4)
    assert.equal(payloads[1].length, 5_000_000)
    assert.deepEqual(digest(payloads), digest(originals))
    assert.deepEqual(report.lostRanges, [])
  })
})

test('the pre-0.17.6 wandb-core layout (blocks at 7 + 32768k) is detected and read', async () => {
  const originals = sizes.map((n, i) => filler(n, 100 + i))
  const bytes = writeLog(originals, { blockBase: 7 })
  const mem = frame(bytes)
  assert.equal(mem.base, 7)
  assert.deepEqual(digest(mem.payloads), digest(originals))
  assert.deepEqual(mem.report.lostRanges, [])
  await withTempFile(bytes, async (path) => {
    const file = await frameFile(path, 128 * 1024)
    assert.equal(file.base, 7)
    assert.deepEqual(digest(file.payloads), digest(originals))
    assert.deepEqual(file.report.lostRanges, [])
  })
  // Framed with the standard layout, the same bytes lose data at the first block boundary.
  const report = emptyDamageReport('x')
  const standard = new LogFramer(report, { blockBase: 0 })
  standard.setWindow(bytes, 0, bytes.length, true)
  while (standard.next() === FRAME_RECORD);
  assert.ok(report.lostRanges.length > 0)
  assert.ok(report.lostRanges[0].start < BLOCK + 7)
})

test('a shifted-layout file cut inside its first block reads as a truncated tail, not damage', () => {
  // Record 2 starts a FIRST chunk that only fits the shifted layout's first block; cut before
  // that block ends, both layouts frame the same bytes and only the shifted one is consistent.
  const originals = [filler(20, 1), filler(60000, 2)]
  const bytes = writeLog(originals, { blockBase: 7 }).slice(0, 7000)
  const mem = frame(bytes)
  assert.equal(mem.base, 7)
  assert.deepEqual(digest(mem.payloads), digest([originals[0]]))
  assert.equal(mem.report.truncatedTail, true)
  assert.deepEqual(mem.report.lostRanges.map((r) => r.reason), ['truncated tail'])
})

test('a standard multi-block file is not mistaken for the shifted layout', async () => {
  const originals = sizes.map((n, i) => filler(n, 200 + i))
  const bytes = writeLog(originals)
  await withTempFile(bytes, async (path) => {
    const file = await frameFile(path, 128 * 1024)
    assert.equal(file.base, 0)
    assert.deepEqual(digest(file.payloads), digest(originals))
  })
})

test('header version 1 is accepted; other versions and non-W&B files are rejected clearly', () => {
  const v1 = writeLog([filler(20, 1)], { version: 1 })
  assert.equal(LogReader.fromBytes(v1).version, 1)
  assert.equal(frame(v1).payloads.length, 1)
  const v2 = writeLog([filler(20, 1)], { version: 2 })
  assert.throws(() => LogReader.fromBytes(v2, { file: 'run-x.wandb' }), (err: unknown) => {
    assert.ok(err instanceof WandbLogFormatError)
    assert.match(err.message, /run-x\.wandb/)
    assert.match(err.message, /version 2/)
    assert.match(err.message, /3a 57 26 42 e1 be 02/)
    return true
  })
  const json = new TextEncoder().encode('{"not": "wandb"}')
  assert.throws(
    () => LogReader.fromBytes(json, { file: 'data.json' }),
    /Cannot read data\.json: bad \.wandb header 7b 22 6e 6f 74 22 3a at byte 0/,
  )
})

test('an empty file has no records and no damage; a cut header is a truncated tail', () => {
  const empty = frame(new Uint8Array(0))
  assert.deepEqual(empty.payloads, [])
  assert.deepEqual(empty.report.lostRanges, [])
  assert.equal(empty.report.truncatedTail, false)
  const cut = frame(Uint8Array.of(0x3a, 0x57, 0x26, 0x42))
  assert.equal(cut.report.truncatedTail, true)
  assert.deepEqual(cut.report.lostRanges, [{ start: 0, end: 4, reason: 'truncated tail' }])
  assert.throws(() => LogReader.fromBytes(Uint8Array.of(0x3a, 0x57, 0x00)), WandbLogFormatError)
})

test('a checksum mismatch skips the rest of its block; the next block is read', () => {
  const originals = [filler(100, 1), filler(200, 2), filler(40000, 3), filler(50, 4)]
  const w = new LogWriter()
  for (const p of originals) w.append(p)
  const bytes = w.bytes()
  bytes[w.offsets[1] + 10] ^= 0x01 // a payload byte of record 2
  const { payloads, report } = frame(bytes)
  // Record 3 started in block 0 (lost with it); record 4 is in block 1 after record 3's LAST chunk.
  assert.deepEqual(digest(payloads), digest([originals[0], originals[3]]))
  assert.deepEqual(report.lostRanges, [
    { start: w.offsets[1], end: BLOCK, reason: 'checksum mismatch' },
    { start: BLOCK, end: w.offsets[3], reason: 'orphan LAST chunk' },
  ])
})

test('orphan MIDDLE and LAST chunks after a lost FIRST are skipped and reported', () => {
  const originals = [filler(100, 1), filler(80000, 2), filler(30, 3)]
  const w = new LogWriter()
  for (const p of originals) w.append(p)
  const bytes = w.bytes()
  const first = w.chunks[1]
  assert.equal(first.type, 2)
  bytes[first.offset] ^= 0xff // checksum of the FIRST chunk
  const { payloads, report } = frame(bytes)
  assert.deepEqual(digest(payloads), digest([originals[0], originals[2]]))
  assert.deepEqual(report.lostRanges, [
    { start: first.offset, end: BLOCK, reason: 'checksum mismatch' },
    { start: BLOCK, end: 2 * BLOCK, reason: 'orphan MIDDLE chunk' },
    { start: 2 * BLOCK, end: w.offsets[2], reason: 'orphan LAST chunk' },
  ])
})

test('a bad length, a bad type and a zero-filled header each skip to the next block', () => {
  const cases: [string, (b: Uint8Array, at: number) => void, RegExp][] = [
    ['length', (b, at) => (b[at + 5] = 0xff), /chunk length \d+ overruns the block/],
    ['type', (b, at) => (b[at + 6] = 9), /checksum mismatch/],
    ['zeros', (b, at) => b.fill(0, at, at + 7), /zero-filled block/],
  ]
  for (const [name, damage, reason] of cases) {
    const originals = [filler(100, 1), filler(100, 2), filler(BLOCK, 3), filler(70, 4)]
    const w = new LogWriter()
    for (const p of originals) w.append(p)
    const bytes = w.bytes()
    damage(bytes, w.offsets[1])
    const { payloads, report } = frame(bytes)
    assert.deepEqual(digest(payloads), digest([originals[0], originals[3]]), name)
    assert.equal(report.lostRanges.length, 2, name)
    assert.match(report.lostRanges[0].reason, reason, name)
    assert.deepEqual([report.lostRanges[0].start, report.lostRanges[0].end], [w.offsets[1], BLOCK])
  }
})

test('a chunk of an unknown type with a valid checksum is reported as a bad chunk type', () => {
  const w = new LogWriter()
  w.append(filler(10, 1))
  w.chunk(7, filler(20, 2))
  const { payloads, report } = frame(w.bytes())
  assert.equal(payloads.length, 1)
  assert.deepEqual(report.lostRanges, [{ start: 24, end: 51, reason: 'bad chunk type 7' }])
})

test('a FIRST chunk interrupted by a FULL chunk loses only the unfinished record', () => {
  const w = new LogWriter()
  w.chunk(2, filler(40, 1))
  w.chunk(1, filler(30, 2))
  const { payloads, report } = frame(w.bytes())
  assert.deepEqual(digest(payloads), digest([filler(30, 2)]))
  assert.deepEqual(report.lostRanges, [{
    start: 7,
    end: 54,
    reason: 'record without its LAST chunk',
  }])
})

test('a file cut anywhere reports a truncated tail from the first lost record', () => {
  const originals = [filler(60, 1), filler(70000, 2), filler(90, 3)]
  const w = new LogWriter()
  for (const p of originals) w.append(p)
  const full = w.bytes()
  for (const cut of [w.offsets[1] + 3, w.offsets[1] + 100, BLOCK, BLOCK + 500, 2 * BLOCK]) {
    const { payloads, report } = frame(full.subarray(0, cut))
    assert.deepEqual(digest(payloads), digest([originals[0]]), `cut at ${cut}`)
    assert.equal(report.truncatedTail, true)
    assert.deepEqual(report.lostRanges, [{
      start: w.offsets[1],
      end: cut,
      reason: 'truncated tail',
    }])
  }
  const atRecordEnd = frame(full.subarray(0, w.offsets[2]))
  assert.equal(atRecordEnd.payloads.length, 2)
  assert.equal(atRecordEnd.report.truncatedTail, false)
})

test('strict framing throws a WandbLogDamageError with the lost range', () => {
  const w = new LogWriter()
  w.append(filler(10, 1))
  w.append(filler(10, 2))
  const bytes = w.bytes()
  bytes[w.offsets[1]] ^= 1
  assert.throws(() => frame(bytes, true), (err: unknown) => {
    assert.ok(err instanceof WandbLogDamageError)
    assert.deepEqual(err.range, { start: 24, end: 41, reason: 'checksum mismatch' })
    assert.match(err.message, /bytes 24-41/)
    return true
  })
})

test('the 2021 legacy file frames into 10 FULL records at the documented offsets', {
  skip: skipWithoutSharedFixtures,
}, () => {
  const bytes = readFileSync(sharedFixture('wandb-offline-run-2021/run-g9dvvkua.wandb'))
  assert.equal(bytes.length, 7868)
  const framed = framePayloads(bytes)
  assert.deepEqual(framed.map((f) => f.offset), [
    7,
    17,
    192,
    341,
    7559,
    7589,
    7599,
    7839,
    7848,
    7858,
  ])
  assert.deepEqual(framed.map((f) => f.payload.length), [3, 168, 142, 7211, 23, 3, 233, 2, 3, 3])
})

test('LogReader.open fails for a missing file with the path in the error', async () => {
  await assert.rejects(LogReader.open('/nonexistent/run-x.wandb'), /run-x\.wandb/)
})
