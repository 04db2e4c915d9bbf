import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DECREASE, INCREASE, MIN_RATE, RateCap } from '../../src/bulk/rate_cap.ts'

test('a 429 caps the rate at 0.7 × the start rate measured since the last pause ended', () => {
  const cap = new RateCap()
  assert.equal(cap.value, undefined)
  // 30 starts in the 500 ms since a pause ended at t=1500: 60/s measured.
  const starts = Array.from({ length: 40 }, (_, i) => (i < 10 ? 1000 + i : 1500 + (i - 9) * 16))
  cap.throttled(2000, starts, 1500)
  assert.ok(Math.abs(cap.value! - DECREASE * 60) < 1e-9, `cap ${cap.value}`)
  // A later 429 measured above the cap lowers the cap itself.
  cap.throttled(5000, Array.from({ length: 100 }, (_, i) => 4000 + i * 10), 0)
  assert.ok(Math.abs(cap.value! - DECREASE * DECREASE * 60) < 1e-9, `cap ${cap.value}`)
  cap.throttled(9000, [], 0)
  assert.equal(cap.value, MIN_RATE)
})

test('the cap grows only while it binds: it held a request back and starts reach 80% of it', () => {
  const cap = new RateCap()
  cap.throttled(1000, Array.from({ length: 20 }, (_, i) => 500 + i * 25), 0) // 20/s → 14/s
  const start = cap.value!
  cap.healthy(1100, 14)
  assert.equal(cap.value, start, 'nothing held back yet')
  cap.held(1200)
  cap.healthy(1300, 5)
  assert.equal(cap.value, start, 'held once, but far below the cap')
  cap.healthy(1300, 13)
  assert.equal(cap.value, start + INCREASE)
  assert.equal(cap.binding(2300, 14), false, 'a hold more than a second old no longer binds')
})
