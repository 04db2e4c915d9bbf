import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { emptyDamageReport } from '../../src/local/damage_report.ts'
import { decodeRecord } from '../../src/local/decode_record.ts'
import { WandbLogDamageError, WandbLogFormatError } from '../../src/local/errors.ts'
import { FRAME_RECORD, LogReader } from '../../src/local/log_reader.ts'
import { readRecordsFromBytes } from '../../src/local/read_records.ts'
import type { WandbRecord } from '../../src/local/record_types.ts'
import { LogWriter, seededRandom } from './_log_writer.ts'
import { historyRecord, runRecord } from './_proto_writer.ts'
import { sharedFixturesDir } from '../_fixtures.ts'

/** One intact record of an original file: where its chunks start and end, and its payload hash. */
interface Framed {
  offset: number
  end: number
  hash: string
}

const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/** Frames bytes, returning every record with its span and payload hash, plus the report. */
function frame(bytes: Uint8Array) {
  const report = emptyDamageReport('fuzz')
  const reader = LogReader.fromBytes(bytes, { report })
  const f = reader.framer
  const out: Framed[] = []
  while (reader.next() === FRAME_RECORD) {
    out.push({
      offset: f.recordOffset,
      end: f.recordEnd,
      hash: hash(f.out.subarray(f.outStart, f.outEnd)),
    })
  }
  return { records: out, report }
}

function allWandbFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...allWandbFiles(path))
    else if (name.endsWith('.wandb')) out.push(path)
  }
  return out.sort()
}

/** A generated multi-block file: numbered history records, some spanning several blocks. */
function generated(blockBase: number): Uint8Array {
  const rnd = seededRandom(blockBase + 1)
  const w = new LogWriter({ blockBase })
  w.append(runRecord(1, 'fuzzrun'))
  for (let i = 2; i <= 40; i++) {
    const size = rnd() < 0.2 ? (rnd() * 90000) | 0 : (rnd() * 400) | 0
    w.append(historyRecord(i, [['_step', String(i)], ['v', JSON.stringify('q'.repeat(size))]], i))
  }
  return w.bytes()
}

interface Original {
  name: string
  bytes: Uint8Array
  records: Framed[]
  decoded: Map<number, WandbRecord>
}

function original(name: string, bytes: Uint8Array): Original {
  const { records, report } = frame(bytes)
  assert.deepEqual(report.lostRanges, [], `${name} is intact before fuzzing`)
  const decoded = new Map<number, WandbRecord>()
  const reader = LogReader.fromBytes(bytes)
  const f = reader.framer
  while (reader.next() === FRAME_RECORD) {
    decoded.set(f.recordOffset, decodeRecord(f.out.slice(f.outStart, f.outEnd), f.recordOffset))
  }
  return { name, bytes, records, decoded }
}

const originals: Original[] = [
  original('generated', generated(0)),
  original('generated-base7', generated(7)),
  ...allWandbFiles(sharedFixturesDir)
    .filter((p) => !p.includes('/wire/'))
    // wild-runs holds cut-off logs by design (a truncated tail); only intact logs are fuzzed.
    .filter((p) => frame(new Uint8Array(readFileSync(p))).report.lostRanges.length === 0)
    .map((p) => original(p.slice(sharedFixturesDir.length), new Uint8Array(readFileSync(p)))),
]

type Mutation = { kind: 'flip'; at: number[] } | { kind: 'cut'; at: number } | {
  kind: 'append'
  garbage: Uint8Array
}

function mutate(o: Original, rnd: () => number): { bytes: Uint8Array; m: Mutation } {
  const r = rnd()
  if (r < 0.5) {
    const bytes = o.bytes.slice()
    const at: number[] = []
    for (let k = 1 + ((rnd() * 3) | 0); k > 0; k--) {
      const i = (rnd() * bytes.length) | 0
      bytes[i] ^= 1 << ((rnd() * 8) | 0)
      at.push(i)
    }
    return { bytes, m: { kind: 'flip', at } }
  }
  if (r < 0.8) {
    const at = (rnd() * o.bytes.length) | 0
    return { bytes: o.bytes.slice(0, at), m: { kind: 'cut', at } }
  }
  const garbage = new Uint8Array(1 + ((rnd() * 200) | 0))
  for (let i = 0; i < garbage.length; i++) garbage[i] = (rnd() * 256) | 0
  garbage[0] |= 1 // never all zeros
  const bytes = new Uint8Array(o.bytes.length + garbage.length)
  bytes.set(o.bytes)
  bytes.set(garbage, o.bytes.length)
  return { bytes, m: { kind: 'append', garbage } }
}

/** Checks every invariant for one damaged file; returns the framing outcome. */
async function check(o: Original, bytes: Uint8Array, m: Mutation, label: string): Promise<void> {
  let framed: ReturnType<typeof frame>
  try {
    framed = frame(bytes)
  } catch (err) {
    assert.ok(
      err instanceof WandbLogFormatError,
      `${label}: only a header error may be thrown, got ${err}`,
    )
    assert.ok(m.kind === 'flip' ? m.at.some((i) => i < 7) : m.kind === 'cut' && m.at < 7, label)
    return
  }
  const { records, report } = framed
  const byOffset = new Map(o.records.map((r) => [r.offset, r]))
  for (const r of records) {
    assert.equal(
      byOffset.get(r.offset)?.hash,
      r.hash,
      `${label}: yielded a payload that was not written at ${r.offset}`,
    )
  }
  const yielded = new Set(records.map((r) => r.offset))
  const lost = o.records.filter((r) => !yielded.has(r.offset))
  if (m.kind === 'flip') {
    if (lost.length > 0) {
      assert.ok(report.lostRanges.length > 0, `${label}: records lost without a report`)
    }
    for (const r of o.records) {
      if (m.at.some((i) => i >= r.offset && i < r.end)) {
        assert.ok(!yielded.has(r.offset), `${label}: damaged record yielded`)
      }
    }
  } else if (m.kind === 'cut') {
    assert.deepEqual(
      [...yielded],
      o.records.filter((r) => r.end <= m.at).map((r) => r.offset),
      label,
    )
    const inside = o.records.some((r) => r.offset < m.at && m.at < r.end)
    assert.equal(report.truncatedTail, inside || (m.at < 7 && m.at > 0), label)
  } else {
    assert.equal(lost.length, 0, `${label}: appended garbage lost a record`)
    assert.ok(
      report.lostRanges.length > 0 || report.truncatedTail,
      `${label}: garbage went unreported`,
    )
  }
  // The decoded stream yields, at each offset, exactly what the intact file decodes there.
  const streamReport = emptyDamageReport('fuzz')
  for await (const batch of readRecordsFromBytes(bytes, { report: streamReport, batchSize: 3 })) {
    for (const rec of batch) {
      assert.deepEqual(rec, o.decoded.get(rec.offset), `${label}: record at ${rec.offset}`)
    }
  }
  assert.deepEqual(streamReport.lostRanges, report.lostRanges, label)
  // Strict mode either reads cleanly or throws the typed damage error.
  try {
    for await (const _ of readRecordsFromBytes(bytes, { strict: true })) { /* drain */ }
    assert.equal(report.lostRanges.length, 0, `${label}: strict read passed over damage`)
  } catch (err) {
    assert.ok(err instanceof WandbLogDamageError, `${label}: strict threw ${err}`)
  }
}

test('fuzz: bit flips, truncations and appended garbage never yield a bad record or hide a loss', async () => {
  if (originals.length < 3) {
    console.warn('fuzz: shared fixtures absent, fuzzing generated files only')
  }
  const rnd = seededRandom(20260102)
  const started = Date.now()
  let slowest = 0
  const iterations = 400
  for (let n = 0; n < iterations; n++) {
    const o = originals[n % originals.length]
    const { bytes, m } = mutate(o, rnd)
    const t0 = Date.now()
    await check(
      o,
      bytes,
      m,
      `#${n} ${o.name} ${m.kind} ${m.kind === 'append' ? m.garbage.length : m.at}`,
    )
    slowest = Math.max(slowest, Date.now() - t0)
  }
  assert.ok(slowest < 2000, `one iteration took ${slowest} ms`)
  assert.ok(Date.now() - started < 60_000, 'fuzzing stays fast')
})

test('fuzz: random bytes after a valid header never throw and never yield a record', async () => {
  const rnd = seededRandom(99)
  for (let n = 0; n < 200; n++) {
    const bytes = new Uint8Array(7 + ((rnd() * 70000) | 0))
    bytes.set([0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00])
    for (let i = 7; i < bytes.length; i++) bytes[i] = (rnd() * 256) | 0
    const { records, report } = frame(bytes)
    assert.deepEqual(records, [])
    if (bytes.length > 7) assert.ok(report.lostRanges.length > 0)
    let count = 0
    for await (const batch of readRecordsFromBytes(bytes)) count += batch.length
    assert.equal(count, 0)
  }
})
