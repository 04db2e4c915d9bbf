import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  BLOCK_SIZE,
  FRAME_END,
  FRAME_NEED_DATA,
  FRAME_RECORD,
  LogFramer,
} from '../../src/local/log_framer.ts'
import { emptyDamageReport } from '../../src/local/damage_report.ts'
import { filler, LogWriter, writeLog } from './_log_writer.ts'

/** Frames a whole file image given in windows of `window` bytes (block-aligned); returns payloads and the framer. */
function frameAll(bytes: Uint8Array, window = bytes.length, options = {}) {
  const framer = new LogFramer(emptyDamageReport('test.wandb'), options)
  const records: { payload: number[]; offset: number; end: number }[] = []
  let start = 0
  for (;;) {
    const end = Math.min(bytes.length, start + window)
    framer.setWindow(bytes.subarray(start, end), start, end - start, end === bytes.length)
    let r: number
    while ((r = framer.next()) === FRAME_RECORD) {
      records.push({
        payload: [...framer.out.subarray(framer.outStart, framer.outEnd)],
        offset: framer.recordOffset,
        end: framer.recordEnd,
      })
    }
    if (r === FRAME_END) return { records, framer }
    assert.equal(r, FRAME_NEED_DATA)
    start = framer.position
  }
}

test('LogFramer returns FULL and reassembled FIRST/MIDDLE/LAST records with their offsets', () => {
  const payloads = [filler(10, 1), filler(3 * BLOCK_SIZE, 2), filler(0, 3), filler(500, 4)]
  const w = new LogWriter()
  for (const p of payloads) w.append(p)
  const bytes = w.bytes()
  for (const window of [bytes.length, BLOCK_SIZE]) {
    const { records, framer } = frameAll(bytes, window)
    assert.deepEqual(records.map((r) => r.payload), payloads.map((p) => [...p]), `window ${window}`)
    assert.deepEqual(records.map((r) => r.offset), w.offsets)
    assert.equal(records.at(-1)!.end, bytes.length)
    assert.deepEqual(framer.report.lostRanges, [])
    assert.equal(framer.report.truncatedTail, false)
  }
})

test('LogFramer reads the pre-0.17.6 layout whose blocks start at offset 7', () => {
  const payloads = [filler(BLOCK_SIZE, 5), filler(40, 6)]
  const bytes = writeLog(payloads, { blockBase: 7 })
  const { records } = frameAll(bytes, bytes.length, { blockBase: 7 })
  assert.deepEqual(records.map((r) => r.payload), payloads.map((p) => [...p]))
})

test('a checksum mismatch loses the rest of its block and reading resumes at the next one', () => {
  const w = new LogWriter()
  w.append(filler(100, 7))
  const damagedAt = w.append(filler(100, 8))
  while (w.left > 1007) w.append(filler(1000, 9))
  w.append(filler(w.left - 7, 9)) // the block ends exactly here
  assert.equal(w.length, BLOCK_SIZE)
  w.append(filler(50, 10))
  const bytes = w.bytes()
  bytes[damagedAt + 20] ^= 0xff
  const { records, framer } = frameAll(bytes)
  assert.deepEqual(records.map((r) => r.offset), [7, BLOCK_SIZE])
  assert.deepEqual(records[1].payload, [...filler(50, 10)])
  assert.deepEqual(framer.report.lostRanges, [
    { start: damagedAt, end: BLOCK_SIZE, reason: 'checksum mismatch' },
  ])
})

test('a file cut mid-record reports a truncated tail; strict mode throws at the damage', () => {
  const bytes = writeLog([filler(20, 11), filler(BLOCK_SIZE, 12)])
  const cut = bytes.subarray(0, bytes.length - 100)
  const { records, framer } = frameAll(cut)
  assert.equal(records.length, 1)
  assert.equal(framer.report.truncatedTail, true)
  assert.deepEqual(framer.report.lostRanges, [
    { start: 7 + 7 + 20, end: cut.length, reason: 'truncated tail' },
  ])
  assert.throws(() => frameAll(cut, cut.length, { strict: true }), {
    name: 'WandbLogDamageError',
    message: /^Cannot read test\.wandb strictly: bytes 34-\d+ are damaged \(truncated tail\)/,
  })
})

test('an orphan LAST chunk is lost and adjacent losses of one reason merge', () => {
  const w = new LogWriter()
  w.chunk(4, filler(5, 13))
  w.chunk(4, filler(5, 14))
  w.append(filler(5, 15))
  const { records, framer } = frameAll(w.bytes())
  assert.deepEqual(records.map((r) => r.payload), [[...filler(5, 15)]])
  assert.deepEqual(framer.report.lostRanges, [{
    start: 7,
    end: 7 + 24,
    reason: 'orphan LAST chunk',
  }])
})

test('setWindow refuses a window that starts after the framer position', () => {
  const framer = new LogFramer(emptyDamageReport('f'))
  assert.equal(framer.position, 7)
  assert.throws(() => framer.setWindow(new Uint8Array(10), 8, 10, false), {
    name: 'RangeError',
    message: 'Cannot frame from offset 8: the framer needs bytes from 7',
  })
})
