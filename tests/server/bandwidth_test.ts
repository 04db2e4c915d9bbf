import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BandwidthCap, parseBandwidth } from './bandwidth.ts'

test('bytes leave at the capped rate: 1 MB at 1 MB/s takes 1 s, chunk by chunk', () => {
  let t = 0
  const link = new BandwidthCap({ bytesPerSecond: 1_000_000, now: () => t })
  let wait = 0
  for (let i = 0; i < 10; i++) wait = link.reserve(100_000)
  assert.equal(wait, 1000)
  t = 1000
  assert.equal(link.reserve(500_000), 500, 'a drained link starts the next chunk at once')
  assert.equal(link.bytes, 1_500_000)
})

test('replies share the link: two 1 MB bodies at 1 MB/s finish after 2 s, interleaved or not', () => {
  let t = 0
  const link = new BandwidthCap({ bytesPerSecond: 1_000_000, now: () => t })
  const waits: number[] = []
  for (let i = 0; i < 10; i++) {
    waits.push(link.reserve(100_000)) // reply A
    waits.push(link.reserve(100_000)) // reply B
  }
  assert.equal(Math.max(...waits), 2000)
  t = 1500
  assert.equal(link.reserve(0), 500, 'half a second of queued bytes is still ahead')
})

test('an idle link does not bank unused time', () => {
  let t = 0
  const link = new BandwidthCap({ bytesPerSecond: 1000, now: () => t })
  t = 60_000
  assert.equal(link.reserve(2000), 2000)
})

test('bandwidth values parse with SI and binary units and refuse nonsense', () => {
  assert.equal(parseBandwidth('10MB'), 10_000_000)
  assert.equal(parseBandwidth('500KiB'), 512_000)
  assert.equal(parseBandwidth('2.5mb/s'), 2_500_000)
  assert.equal(parseBandwidth('1000'), 1000)
  assert.throws(() => parseBandwidth('fast'), /Cannot read bandwidth "fast"/)
  assert.throws(() => parseBandwidth('0'), /use > 0/)
  assert.throws(() => new BandwidthCap({ bytesPerSecond: 0 }), /0 bytes\/s/)
})
