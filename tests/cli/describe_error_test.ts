import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeError } from '../../src/cli/describe_error.ts'

test('describeError joins an error with its causes, skipping a repeated message', () => {
  const root = new Error('connection refused')
  const mid = new Error('fetch failed', { cause: root })
  const top = new Error('Cannot read run a/b/c', { cause: mid })
  assert.equal(describeError(top), 'Cannot read run a/b/c: fetch failed: connection refused')
  const same = new Error('boom', { cause: new Error('boom') })
  assert.equal(describeError(same), 'boom')
})

test('describeError follows at most four levels of causes', () => {
  let err = new Error('e0')
  for (let i = 1; i < 8; i++) err = new Error(`e${i}`, { cause: err })
  assert.equal(describeError(err), 'e7: e6: e5: e4')
})

test('describeError renders non-errors with String() and removes secrets', () => {
  assert.equal(describeError('plain text'), 'plain text')
  assert.equal(describeError(42), '42')
  const err = new Error('GET https://storage.example/f?X-Goog-Signature=abc123 failed', {
    cause: new Error('Authorization: Basic YXBpOnNlY3JldGtleQ== rejected'),
  })
  const out = describeError(err)
  assert.ok(!out.includes('abc123'), out)
  assert.ok(!out.includes('YXBpOnNlY3JldGtleQ'), out)
  assert.ok(out.startsWith('GET https://storage.example/f?***'), out)
})
