/** FollowIdleError: one error class for a stalled followed stream, exported from the module root. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FollowIdleError } from '../mod.ts'
import { FollowIdleError as LocalFollowIdleError } from '../src/local/follow_log.ts'

test('FollowIdleError carries the idle time and what was last seen, under one class for both sources', () => {
  const err = new FollowIdleError(
    'Run e/p/r looks stalled',
    61_000,
    'history step 41 (state running)',
  )
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'FollowIdleError')
  assert.equal(err.idleMs, 61_000)
  assert.equal(err.lastSeen, 'history step 41 (state running)')
  assert.equal(LocalFollowIdleError, FollowIdleError)
})
