/** The one retry loop the retrying fetch, signed-URL reads and the bulk work pool run on. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { type AttemptResult, retryLoop } from '../../src/http/retry_loop.ts'

/** An attempt function that fails `failures` times (with `fail 1`, `fail 2`, …) and then returns 'ok'. */
function failing(failures: number): {
  attempt: (n: number) => Promise<AttemptResult<string, string>>
  seen: number[]
} {
  const seen: number[] = []
  return {
    seen,
    attempt: (n) => {
      seen.push(n)
      return Promise.resolve(
        n > failures ? { ok: true, value: 'ok' } : { ok: false, failure: `fail ${n}` },
      )
    },
  }
}

test('retries with the planned waits until an attempt succeeds', async () => {
  const { attempt, seen } = failing(2)
  const retries: [string, number, number][] = []
  const value = await retryLoop(attempt, {
    retries: 3,
    delayMs: (_f, n) => n,
    giveUp: () => 'gave up',
    onRetry: (f, n, wait) => retries.push([f, n, wait]),
  })
  assert.equal(value, 'ok')
  assert.deepEqual(seen, [1, 2, 3])
  assert.deepEqual(retries, [['fail 1', 1, 1], ['fail 2', 2, 2]])
})

test('after retries + 1 failed attempts giveUp ends the loop with the last failure', async () => {
  const { attempt, seen } = failing(10)
  const value = await retryLoop(attempt, {
    retries: 2,
    delayMs: () => 0,
    giveUp: (f, n) => `${f} after ${n}`,
  })
  assert.equal(value, 'fail 3 after 3')
  assert.deepEqual(seen, [1, 2, 3])
})

test('stop gives up early and sees the wait a retry would take; a throw from it ends the loop', async () => {
  const { attempt, seen } = failing(10)
  const waits: number[] = []
  const value = await retryLoop(attempt, {
    retries: 5,
    delayMs: (_f, n) => 10 * n,
    stop: (_f, _n, wait) => {
      waits.push(wait)
      return wait > 15
    },
    giveUp: (f) => f,
  })
  assert.equal(value, 'fail 2')
  assert.deepEqual(waits, [10, 20])
  assert.deepEqual(seen, [1, 2])
  await assert.rejects(
    retryLoop(failing(10).attempt, {
      retries: 5,
      delayMs: () => 0,
      stop: () => {
        throw new Error('cannot reach host')
      },
      giveUp: () => 'unused',
    }),
    /cannot reach host/,
  )
})

test("an abort during the wait rejects with the signal's reason; no further attempt runs", async () => {
  const { attempt, seen } = failing(10)
  const controller = new AbortController()
  const reason = new Error('stopped')
  const pending = retryLoop(attempt, {
    retries: 5,
    delayMs: () => 60_000,
    signal: controller.signal,
    giveUp: () => 'unused',
    onRetry: () => queueMicrotask(() => controller.abort(reason)),
  })
  await assert.rejects(pending, (err) => err === reason)
  assert.deepEqual(seen, [1])
})
