/** The retry policy's rules: which statuses retry, the waits, `Retry-After`, and an abortable sleep. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  sleep,
} from '../../src/http/retry_policy.ts'

test('408, 429 and 5xx except 501 retry; other statuses do not', () => {
  const retried = [408, 429, 500, 502, 503, 504, 599]
  const final = [200, 206, 301, 400, 401, 403, 404, 409, 501]
  for (const s of retried) assert.equal(isRetryableStatus(s), true, `status ${s}`)
  for (const s of final) assert.equal(isRetryableStatus(s), false, `status ${s}`)
})

test("the defaults are wandb-core's and cannot be changed in place", () => {
  assert.deepEqual({ ...DEFAULT_RETRY_POLICY }, {
    retries: 20,
    retryWaitMinMs: 2_000,
    retryWaitMaxMs: 60_000,
    maxRetryTimeMs: 300_000,
    timeoutMs: 30_000,
  })
  assert.throws(() => {
    ;(DEFAULT_RETRY_POLICY as { retries: number }).retries = 1
  }, TypeError)
})

test('backoff stays below the cap even for huge attempt numbers', () => {
  const policy = { retryWaitMinMs: 2_000, retryWaitMaxMs: 60_000 }
  assert.equal(backoffDelay(1_000, policy, () => 0.999), 59_940)
  assert.equal(backoffDelay(0, policy, () => 0.5), 1_000)
})

test('Retry-After: blank or unreadable values are ignored', () => {
  assert.equal(parseRetryAfter(null), undefined)
  assert.equal(parseRetryAfter('  '), undefined)
  assert.equal(parseRetryAfter('soon'), undefined)
  assert.equal(parseRetryAfter(' 3 '), 3_000)
})

test("sleep waits, and rejects with the signal's reason when aborted before or during", async () => {
  const started = Date.now()
  await sleep(20)
  assert.ok(Date.now() - started >= 15)
  const early = new Error('early')
  await assert.rejects(sleep(10, AbortSignal.abort(early)), (err) => err === early)
  const controller = new AbortController()
  const late = new Error('late')
  const pending = sleep(60_000, controller.signal)
  controller.abort(late)
  await assert.rejects(pending, (err) => err === late)
})
