import { test } from 'node:test'
import assert from 'node:assert/strict'
import { countShortfall } from '../../src/api/history/history_shortfall.ts'

const full = {
  runPath: 'e/p/r',
  declared: 100,
  state: 'finished',
  allKeys: true,
  minStep: 0,
  stop: 100,
  lastHistoryStep: 99,
  rows: 90,
}

test('countShortfall: fewer rows than declared on a full scan of a finished run', () => {
  assert.match(countShortfall(full)!, /History of e\/p\/r is short: the server declares 100 rows/)
  assert.equal(countShortfall({ ...full, rows: 100 }), undefined)
  assert.equal(countShortfall({ ...full, rows: 120 }), undefined, 'more rows (a growing run) pass')
})

test('countShortfall: nothing to check when the count cannot be known', () => {
  assert.equal(countShortfall({ ...full, declared: undefined }), undefined)
  assert.equal(countShortfall({ ...full, allKeys: false }), undefined)
  assert.equal(countShortfall({ ...full, minStep: 5 }), undefined)
  assert.equal(countShortfall({ ...full, stop: 50 }), undefined)
  assert.equal(countShortfall({ ...full, state: 'running' }), undefined)
  assert.equal(countShortfall({ ...full, state: 'pending' }), undefined)
})
