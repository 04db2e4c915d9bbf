import { test } from 'node:test'
import assert from 'node:assert/strict'
import { callerOf, rateLimitedReply, RateLimiter, TokenBucket } from './rate_limit.ts'
import { basicAuth } from './_client.ts'

/** A clock the test moves by hand. */
function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms) => void (t += ms) }
}

test('a full bucket allows the burst at once, then refuses until tokens come back at the rate', () => {
  const c = clock()
  const bucket = new TokenBucket({ rate: 10, burst: 20, now: c.now })
  for (let i = 0; i < 20; i++) assert.equal(bucket.take().ok, true, `request ${i}`)
  const refused = bucket.take()
  assert.equal(refused.ok, false)
  assert.equal(refused.remaining, 0)
  assert.ok(Math.abs(refused.retryAfterSeconds - 0.1) < 1e-9) // one token at 10/s
  assert.ok(Math.abs(refused.resetSeconds - 2) < 1e-9) // 20 tokens at 10/s
  c.advance(99)
  assert.equal(bucket.take().ok, false, 'not yet a whole token after 99 ms')
  c.advance(1)
  assert.equal(bucket.take().ok, true, 'one token after 100 ms')
  assert.equal(bucket.take().ok, false)
})

test('sustained: over 10 s at 10/s with burst 20 exactly 20 + 100 requests pass', () => {
  const c = clock()
  const bucket = new TokenBucket({ rate: 10, burst: 20, now: c.now })
  let passed = 0
  for (let ms = 0; ms < 10_000; ms += 5) {
    while (bucket.take().ok) passed++
    c.advance(5)
  }
  while (bucket.take().ok) passed++
  assert.equal(passed, 120)
})

test('the bucket never fills beyond the burst, and refused requests take no token', () => {
  const c = clock()
  const bucket = new TokenBucket({ rate: 2, burst: 3, now: c.now })
  c.advance(60_000)
  assert.equal(bucket.tokens(), 3)
  for (let i = 0; i < 3; i++) bucket.take()
  for (let i = 0; i < 50; i++) assert.equal(bucket.take().ok, false)
  c.advance(500)
  assert.equal(bucket.take().ok, true, 'refusals did not push the next token back')
})

test('a clock that steps back does not mint tokens', () => {
  const c = clock()
  const bucket = new TokenBucket({ rate: 1, burst: 1, now: c.now })
  assert.equal(bucket.take().ok, true)
  c.advance(-5000)
  assert.equal(bucket.take().ok, false)
  c.advance(5000)
  assert.equal(bucket.take().ok, false, 'time already counted is not counted twice')
  c.advance(1000)
  assert.equal(bucket.take().ok, true)
})

test('every API key has its own bucket; the limiter counts allowed and refused', () => {
  const c = clock()
  const limiter = new RateLimiter({ rate: 1, burst: 2, now: c.now })
  const a = callerOf(basicAuth('key-a'), '127.0.0.1')
  const b = callerOf(basicAuth('key-b'), '127.0.0.1')
  assert.notEqual(a, b)
  assert.deepEqual([0, 1, 2].map(() => limiter.take(a).ok), [true, true, false])
  assert.deepEqual([0, 1].map(() => limiter.take(b).ok), [true, true])
  assert.equal(limiter.allowed, 4)
  assert.equal(limiter.refused, 1)
  assert.equal(callerOf(undefined, '10.0.0.1'), 'addr:10.0.0.1')
})

test('the 429 reply carries Retry-After in whole seconds (at least 1) and the RateLimit headers', () => {
  const c = clock()
  const bucket = new TokenBucket({ rate: 0.25, burst: 1, now: c.now })
  bucket.take()
  const reply = rateLimitedReply(bucket.take())
  assert.equal(reply.status, 429)
  assert.equal(reply.headers['retry-after'], '4') // 1 token at 0.25/s
  assert.equal(reply.headers['ratelimit-remaining'], '0')
  assert.equal(reply.headers['ratelimit-reset'], '4')
  assert.deepEqual(JSON.parse(new TextDecoder().decode(reply.body)), {
    errors: [{ message: 'rate limit exceeded' }],
  })
  const fast = new TokenBucket({ rate: 50, burst: 1, now: c.now })
  fast.take()
  assert.equal(rateLimitedReply(fast.take()).headers['retry-after'], '1', '20 ms rounds up to 1 s')
})

test('impossible limits are refused with the value quoted', () => {
  assert.throws(() => new TokenBucket({ rate: 0 }), /rate limit of 0\/s/)
  assert.throws(() => new RateLimiter({ rate: 5, burst: 0.5 }), /burst 0.5/)
})
