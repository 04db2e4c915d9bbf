import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  DECREASE,
  FORGET_MS,
  INCREASE,
  MIN_RATE,
  MIN_WINDOW_MS,
  NEAR,
  RateCap,
} from '../../src/bulk/rate_cap.ts'

/** `n` start times `1000 / perSecond` ms apart, the last at `end`. */
const startsUntil = (end: number, n: number, perSecond: number) =>
  Array.from({ length: n }, (_, i) => end - (n - 1 - i) * (1000 / perSecond))

test('a 429 caps the rate at 0.7 × the start rate since the last pause ended (or the cap)', () => {
  const cap = new RateCap()
  assert.equal(cap.value, undefined)
  // Before a pause that ended at t=1500: not counted. After it: 60/s.
  const starts = [...startsUntil(1400, 10, 200), ...startsUntil(1995, 29, 60)]
  cap.throttled(2000, starts, 1500)
  assert.ok(Math.abs(cap.value! / (DECREASE * 60) - 1) < 0.05, `cap ${cap.value}`)
  assert.equal(cap.limitSeen, undefined, 'the first 429 ends an unpaced burst')
  // A burst after a quiet spell counts over its own time, not the whole second.
  const burst = new RateCap()
  burst.throttled(5000, startsUntil(4995, 10, 100), 0)
  assert.ok(burst.value! > DECREASE * 50, `burst cap ${burst.value}`)
  // A later 429 measured above the cap lowers the cap itself, and records where the limit is.
  const before = cap.value!
  cap.throttled(5000, startsUntil(4995, 100, 100), 0)
  assert.ok(Math.abs(cap.value! - DECREASE * before) < 1e-9, `cap ${cap.value}`)
  assert.ok(Math.abs(cap.limitSeen! / 100 - 1) < 0.05, `limit seen ${cap.limitSeen}`)
  cap.throttled(9000, [], 0)
  assert.equal(cap.value, MIN_RATE)
})

test('the cap grows only while it binds: it held a request back and starts reach 80% of it', () => {
  const cap = new RateCap()
  cap.throttled(1000, startsUntil(990, 20, 20), 0) // 20/s → 14/s
  const start = cap.value!
  cap.healthy(1100, 14)
  assert.equal(cap.value, start, 'nothing held back yet')
  cap.held(1200)
  cap.healthy(1300, 5)
  assert.equal(cap.value, start, 'held once, but far below the cap')
  cap.healthy(1300, 0.8 * start)
  assert.equal(cap.value, start + INCREASE)
  assert.equal(
    cap.binding(2300, cap.value!),
    false,
    'a hold more than a second old no longer binds',
  )
})

test('near the rate the last 429 met under the cap, the cap grows ten times slower', () => {
  const cap = new RateCap()
  cap.throttled(900, [], 0)
  cap.limitSeen = 20
  cap.value = 18.9
  cap.held(1000)
  cap.healthy(1100, 18)
  assert.ok(Math.abs(cap.value - (18.9 + INCREASE)) < 1e-9, 'below 95% of 20: the full step')
  cap.healthy(1100, 18)
  assert.ok(Math.abs(cap.value - (19 + INCREASE / 10)) < 1e-9, 'at 95% of 20: a tenth of it')
})

test('the requests let through between two 429s raise the cap the last second left too low', () => {
  // A bucket of 10/s: the 10 s between two 429s let 100 requests through. Under a cap of 12/s the
  // second 429 would leave 0.7 × 12 = 8.4/s; the bucket's rate says 0.95 × 10.
  const cap = new RateCap()
  cap.value = 12
  cap.throttled(11_000, startsUntil(10_990, 12, 12), 0, { requests: 100, windowMs: 10_000 })
  assert.ok(Math.abs(cap.value! - NEAR * 10) < 1e-9, `cap ${cap.value}`)
  assert.ok(Math.abs(cap.limitSeen! - 10) < 1e-9, `limit seen ${cap.limitSeen}`)
  // A client that left the bucket full for a while lets fewer through: never below the decrease.
  const idle = new RateCap()
  idle.value = 12
  idle.throttled(11_000, startsUntil(10_990, 12, 12), 0, { requests: 30, windowMs: 10_000 })
  assert.ok(Math.abs(idle.value! - DECREASE * 12) < 1e-9, `cap ${idle.value}`)
  // A window shorter than MIN_WINDOW_MS says too little: the rate of the last second decides.
  const short = new RateCap()
  short.value = 12
  short.throttled(2000, startsUntil(1990, 12, 12), 0, { requests: 5, windowMs: MIN_WINDOW_MS - 1 })
  assert.ok(Math.abs(short.value! - DECREASE * 12) < 1e-9, `cap ${short.value}`)
})

test('a cap that met no 429 for FORGET_MS is dropped, and the next 429 teaches a new one', () => {
  // 429s that were no rate limit's left a cap of 6/s where the server takes far more.
  const cap = new RateCap()
  cap.throttled(1000, startsUntil(990, 10, 10), 0)
  cap.value = 6
  cap.limitSeen = 6.2
  cap.held(FORGET_MS)
  cap.healthy(FORGET_MS, 6)
  assert.ok(Math.abs(cap.value - (6 + INCREASE / 10)) < 1e-9, 'kept, and slowed near 6.2/s')
  cap.held(1000 + FORGET_MS)
  cap.healthy(1000 + FORGET_MS, 6)
  assert.equal(cap.value, undefined, 'dropped 30 s after the 429')
  assert.equal(cap.limitSeen, undefined)
  assert.equal(cap.binding(1000 + FORGET_MS, 6), false, 'nothing held back any more')
  // The next 429 ends an unpaced burst, and the requests let through since the last one say the
  // rate: 40/s over 40 s.
  cap.throttled(41_000, startsUntil(40_995, 100, 100), 0, { requests: 1600, windowMs: 40_000 })
  assert.ok(Math.abs(cap.value! / (DECREASE * 100) - 1) < 0.02, `cap ${cap.value}`)
  assert.equal(cap.limitSeen, cap.value, 'above the 40/s let through: the cap is the limit seen')
})
