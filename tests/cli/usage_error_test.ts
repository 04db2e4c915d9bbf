import { test } from 'node:test'
import assert from 'node:assert/strict'
import { UsageError } from '../../src/cli/usage_error.ts'

test('UsageError carries its message, its name and the command whose usage to show', () => {
  const err = new UsageError('--keys needs at least one value', 'history')
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'UsageError')
  assert.equal(err.message, '--keys needs at least one value')
  assert.equal(err.command, 'history')
  assert.equal(new UsageError('no command').command, undefined)
})
