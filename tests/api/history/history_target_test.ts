import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runPathOf } from '../../../src/api/history/history_target.ts'

test('runPathOf formats entity/project/run_id', () => {
  assert.equal(runPathOf({ entity: 'team', project: 'mnist', id: 'ab12cd' }), 'team/mnist/ab12cd')
})
