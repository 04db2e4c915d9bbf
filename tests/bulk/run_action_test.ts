import { test } from 'node:test'
import assert from 'node:assert/strict'
import { coversInclude, decideAction, type RunSnapshot } from '../../src/bulk/run_action.ts'
import type { Include, RunEntry } from '../../src/bulk/manifest.ts'

const include: Include = {
  history: true,
  system: false,
  configSummary: true,
  files: false,
  artifacts: false,
  logs: false,
}

const snapshot: RunSnapshot = {
  state: 'finished',
  updatedAt: '2024-05-01T00:00:00',
  historyLineCount: 100,
  lastHistoryStep: 99,
}

const entry = (over: Partial<RunEntry> = {}): RunEntry => ({
  id: 'r1',
  name: 'run',
  state: 'finished',
  createdAt: '2024-04-01T00:00:00',
  updatedAt: '2024-05-01T00:00:00',
  historyLineCount: 100,
  lastHistoryStep: 99,
  complete: true,
  history: { lastStep: 99, rows: 100, parts: [] },
  ...over,
})

test('decideAction follows the module table', () => {
  assert.equal(decideAction(undefined, snapshot, include), 'new')
  assert.equal(decideAction(entry(), snapshot, include), 'skip')
  assert.equal(decideAction(entry({ complete: false }), snapshot, include), 'resume')
  assert.equal(
    decideAction(entry(), { ...snapshot, lastHistoryStep: 120, historyLineCount: 121 }, include),
    'append',
  )
  assert.equal(decideAction(entry(), { ...snapshot, lastHistoryStep: 50 }, include), 'rewrite')
  assert.equal(decideAction(entry(), { ...snapshot, historyLineCount: 90 }, include), 'rewrite')
  assert.equal(
    decideAction(entry({ historyLineCount: 100 }), { ...snapshot, historyLineCount: 101 }, include),
    'rewrite', // count changed at the same last step: the run was forked
  )
  assert.equal(decideAction(entry(), { ...snapshot, state: 'crashed' }, include), 'refresh')
  assert.equal(decideAction(entry(), { ...snapshot, updatedAt: null }, include), 'refresh')
})

test('a rewound run is rewritten even when its last export was interrupted', () => {
  assert.equal(
    decideAction(entry({ complete: false }), { ...snapshot, lastHistoryStep: 10 }, include),
    'rewrite',
  )
})

test('a newly included part refreshes an otherwise unchanged run', () => {
  const withLogs = { ...include, logs: true }
  assert.equal(coversInclude(entry(), withLogs), false)
  assert.equal(decideAction(entry(), snapshot, withLogs), 'refresh')
  assert.equal(coversInclude(entry({ logs: null }), withLogs), true)
  assert.equal(decideAction(entry({ logs: null }), snapshot, withLogs), 'skip')
  const noHistory = { ...include, history: false }
  assert.equal(coversInclude(entry({ history: undefined }), noHistory), true)
  assert.equal(decideAction(entry(), { ...snapshot, lastHistoryStep: 5 }, noHistory), 'refresh')
})
