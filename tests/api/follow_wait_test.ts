import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  idleBoundedWait,
  type IdleWatch,
  MAX_FAILED_POLLS,
  retryablePoll,
} from '../../src/api/follow_wait.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'
import { FollowIdleError } from '../../src/follow_idle_error.ts'

const DATA_AT = 1_000_000
const base: IdleWatch = {
  runPath: 'e/p/r1',
  what: 'history row',
  idleTimeoutMs: undefined,
  lastSeen: () => 'history step 41 (state running)',
}

test('without an idle timeout the wait is the poll interval, however long nothing came', () => {
  assert.equal(idleBoundedWait(base, DATA_AT, 5_000, DATA_AT + 3_600_000), 5_000)
})

test('the wait is cut short at the idle timeout', () => {
  const w = { ...base, idleTimeoutMs: 12_000 }
  assert.equal(idleBoundedWait(w, DATA_AT, 5_000, DATA_AT + 1_000), 5_000)
  assert.equal(idleBoundedWait(w, DATA_AT, 5_000, DATA_AT + 10_000), 2_000)
})

test('past the idle timeout it throws a FollowIdleError naming the run, what and the last seen', () => {
  const w = { ...base, idleTimeoutMs: 12_000 }
  assert.throws(
    () => idleBoundedWait(w, DATA_AT, 5_000, DATA_AT + 12_400),
    (err: unknown) => {
      assert.ok(err instanceof FollowIdleError)
      assert.equal(
        err.message,
        'Run e/p/r1 looks stalled: no new history row for 12 s; last seen: history step 41 (state running). Raise the idle timeout to keep waiting, or check the run',
      )
      assert.equal(err.idleMs, 12_400)
      assert.equal(err.lastSeen, 'history step 41 (state running)')
      return true
    },
  )
})

test('only a transport that ran out of retries makes a poll worth another try', () => {
  const exhausted = new WandbApiError('gave up', {
    code: 'retries-exhausted',
    status: 503,
    operation: 'RunState',
  })
  const denied = new WandbApiError('no', { code: 'http', status: 403, operation: 'RunState' })
  assert.equal(retryablePoll(exhausted), true)
  assert.equal(retryablePoll(denied), false)
  assert.equal(retryablePoll(new Error('retries-exhausted')), false)
  assert.equal(MAX_FAILED_POLLS, 3)
})
