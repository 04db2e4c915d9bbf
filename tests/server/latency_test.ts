import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LatencyModel } from './latency.ts'

function draws(model: LatencyModel, n: number): number[] {
  return Array.from({ length: n }, () => model.next())
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

test('delays from a seed are lognormal around the median: median, quartiles and tail within bounds', () => {
  const sorted = draws(new LatencyModel({ medianMs: 100, sigma: 0.5, seed: 7 }), 20_000)
    .sort((a, b) => a - b)
  const median = quantile(sorted, 0.5)
  assert.ok(median > 97 && median < 103, `median ${median}`)
  // Quartiles of a lognormal: median × exp(±0.6745σ) = 71.4 and 140.1 ms.
  const q1 = quantile(sorted, 0.25)
  const q3 = quantile(sorted, 0.75)
  assert.ok(q1 > 69 && q1 < 74, `q1 ${q1}`)
  assert.ok(q3 > 136 && q3 < 145, `q3 ${q3}`)
  // A right tail: the 99th percentile is median × exp(2.326σ) = 320 ms.
  const p99 = quantile(sorted, 0.99)
  assert.ok(p99 > 290 && p99 < 350, `p99 ${p99}`)
  assert.ok(sorted[0] > 0)
})

test('the same seed gives the same delays; another seed other delays', () => {
  const a = draws(new LatencyModel({ medianMs: 50, seed: 3 }), 100)
  const b = draws(new LatencyModel({ medianMs: 50, seed: 3 }), 100)
  const c = draws(new LatencyModel({ medianMs: 50, seed: 4 }), 100)
  assert.deepEqual(a, b)
  assert.notDeepEqual(a, c)
})

test('sigma 0 is a fixed delay, median 0 no delay, and bad values are refused', () => {
  assert.deepEqual(draws(new LatencyModel({ medianMs: 25, sigma: 0 }), 3), [25, 25, 25])
  assert.deepEqual(draws(new LatencyModel({ medianMs: 0 }), 2), [0, 0])
  assert.throws(() => new LatencyModel({ medianMs: -1 }), /median latency of -1 ms/)
  assert.throws(() => new LatencyModel({ medianMs: 10, sigma: NaN }), /sigma of NaN/)
})
