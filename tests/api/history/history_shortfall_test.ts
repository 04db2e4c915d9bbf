import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  badStepMessage,
  conflictMessage,
  type CountCheck,
  countShortfall,
  HistoryShortfallError,
} from '../../../src/api/history/history_shortfall.ts'

const full: CountCheck = {
  runPath: 'e/p/r',
  declared: 100,
  state: 'finished',
  allKeys: true,
  minStep: 0,
  stop: 100,
  lastHistoryStep: 99,
  rows: 98,
}

test('countShortfall names the declared and received rows of a full scan', () => {
  assert.equal(
    countShortfall(full),
    'History of e/p/r is short: the server declares 100 rows (historyLineCount) but its pages ' +
      "held 98 for steps 0-99; rows were dropped on the way, try again later (or pass onShortfall: 'report' / --allow-shortfall to keep what came)",
  )
  assert.equal(countShortfall({ ...full, rows: 100 }), undefined)
  assert.equal(countShortfall({ ...full, rows: 120 }), undefined)
})

test('countShortfall does not check scans that cannot know the count', () => {
  assert.equal(countShortfall({ ...full, declared: undefined }), undefined)
  assert.equal(countShortfall({ ...full, declared: 1.5 }), undefined)
  assert.equal(countShortfall({ ...full, allKeys: false }), undefined)
  assert.equal(countShortfall({ ...full, minStep: 5 }), undefined)
  assert.equal(countShortfall({ ...full, stop: 50 }), undefined)
  assert.equal(countShortfall({ ...full, state: 'running' }), undefined)
  assert.equal(countShortfall({ ...full, state: 'pending' }), undefined)
  assert.notEqual(countShortfall({ ...full, state: undefined }), undefined)
})

test('badStepMessage and conflictMessage name the run and the step', () => {
  assert.equal(
    badStepMessage('e/p/r', 10, 19, 'x'.repeat(60)),
    `History of e/p/r: a row in steps 10-19 has _step "${'x'.repeat(39)}, not an integer; the ` +
      "server sent a malformed page, try again later (or pass onShortfall: 'report' / --allow-shortfall to skip such rows)",
  )
  assert.match(badStepMessage('e/p/r', 0, 1, undefined), /has _step undefined, not an integer/)
  assert.equal(
    conflictMessage('e/p/r', 7),
    'History of e/p/r: the server sent two different rows for step 7; refusing to pick one, ' +
      "try again later (or pass onShortfall: 'report' / --allow-shortfall to keep the last)",
  )
})

test('HistoryShortfallError carries the run path and step', () => {
  const err = new HistoryShortfallError('e/p/r', conflictMessage('e/p/r', 7), 7)
  assert.equal(err.name, 'HistoryShortfallError')
  assert.equal(err.runPath, 'e/p/r')
  assert.equal(err.step, 7)
  assert.equal(new HistoryShortfallError('e/p/r', 'm').step, undefined)
})
