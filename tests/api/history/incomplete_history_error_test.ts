import { test } from 'node:test'
import assert from 'node:assert/strict'
import { IncompleteRunHistoryError } from '../../../src/api/history/incomplete_history_error.ts'

test('IncompleteRunHistoryError names the run, the rows and what to do', () => {
  const err = new IncompleteRunHistoryError('ent/proj/abc123', 42, 1000)
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'IncompleteRunHistoryError')
  assert.equal(err.runPath, 'ent/proj/abc123')
  assert.equal(err.liveRows, 42)
  assert.equal(err.minLiveStep, 1000)
  assert.equal(
    err.message,
    'Cannot download the complete history of ent/proj/abc123: 42 row(s) from step 1000 are not ' +
      'exported to Parquet yet; try again later, pass requireCompleteHistory: false, or read ' +
      'every row with scanHistory',
  )
})
