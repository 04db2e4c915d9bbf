import { test } from 'node:test'
import assert from 'node:assert/strict'
import { excerpt, redact, statusHint, WandbApiError } from '../../src/api/wandb_api_error.ts'

test('WandbApiError carries code, status, operation, run path, server message and cause', () => {
  const cause = new Error('socket hang up')
  const err = new WandbApiError('Cannot read run', {
    code: 'http',
    status: 404,
    operation: 'RunInfo',
    runPath: 'e/p/r',
    serverMessage: 'run not found',
    cause,
  })
  assert.equal(err.name, 'WandbApiError')
  assert.equal(err.message, 'Cannot read run')
  assert.deepEqual(
    [err.code, err.status, err.operation, err.runPath, err.serverMessage],
    ['http', 404, 'RunInfo', 'e/p/r', 'run not found'],
  )
  assert.equal(err.cause, cause)
  const bare = new WandbApiError('x', { code: 'unreachable', status: 0, operation: 'Viewer' })
  assert.equal(bare.runPath, undefined)
  assert.equal(Object.hasOwn(bare, 'cause'), false)
})

test('excerpt folds whitespace, bounds the length and redacts before cutting', () => {
  assert.equal(excerpt('  a\n\n b\tc  '), 'a b c')
  assert.equal(excerpt('x'.repeat(400)), 'x'.repeat(300) + '…')
  assert.equal(excerpt('abcdef', 3), 'abc…')
  const out = excerpt('see https://bucket/f?X-Amz-Signature=deadbeefcafe end', 30)
  assert.ok(!out.includes('deadbeef'), out)
  assert.equal(out, 'see https://bucket/f?*** end')
})

test('redact removes the given secrets', () => {
  assert.equal(redact('key=local-abcdef123 sent', ['local-abcdef123']), 'key=*** sent')
})

test('statusHint says what to check for 401, 403, 404 and 429 only', () => {
  assert.match(statusHint(401), /WANDB_API_KEY/)
  assert.match(statusHint(403), /no access/)
  assert.match(statusHint(404), /entity, project and run id/)
  assert.match(statusHint(429), /rate limiting/)
  assert.equal(statusHint(500), '')
  assert.equal(statusHint(0), '')
})
