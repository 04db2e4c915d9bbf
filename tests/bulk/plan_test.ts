import { test } from 'node:test'
import assert from 'node:assert/strict'
import { planRun, summarizePlan } from '../../src/bulk/plan.ts'
import type { BulkRun } from '../../src/bulk/bulk_source.ts'
import type { Include, RunEntry } from '../../src/bulk/manifest.ts'

const n = [{ type: 'number', count: 1 }]
const run = {
  id: 'r1',
  state: 'finished',
  updatedAt: 't1',
  historyLineCount: 2500,
  lastHistoryStep: 2499,
  historyKeys: {
    _step: { typeCounts: n },
    loss: { typeCounts: n },
    name: { typeCounts: [{ type: 'string', count: 1 }] },
  },
} as unknown as BulkRun
const only = (over: Partial<Include>): Include => ({
  history: false,
  system: false,
  configSummary: false,
  files: false,
  artifacts: false,
  logs: false,
  ...over,
})

test('planRun estimates rows, bytes (8 per number, 16 per string) and requests', () => {
  assert.deepEqual(planRun(run, undefined, only({ history: true }), { remote: true }), {
    id: 'r1',
    action: 'new',
    rows: 2500,
    bytes: 2500 * (8 + 8 + 16),
    requests: 1 + 3,
  })
  const keys = planRun(run, undefined, only({ history: true }), { remote: true, keys: ['loss'] })
  assert.equal(keys.bytes, 2500 * 16)
  const local = planRun(run, undefined, only({ history: true, logs: true }), { remote: false })
  assert.equal(local.requests, 0)
})

test('planRun counts side tables and file downloads', () => {
  const plan = planRun(
    run,
    undefined,
    only({ system: true, logs: true, artifacts: true, files: true }),
    {
      remote: true,
      fileSizes: [100, 50],
    },
  )
  assert.deepEqual(plan, { id: 'r1', action: 'new', rows: 0, bytes: 150, requests: 1 + 2 + 2 + 5 })
})

test('planRun estimates only the new rows of an append and nothing for a skip', () => {
  const entry: RunEntry = {
    id: 'r1',
    name: null,
    state: 'finished',
    createdAt: null,
    updatedAt: 't0',
    historyLineCount: 2000,
    lastHistoryStep: 1999,
    complete: true,
    history: { lastStep: 1999, rows: 2000, parts: [] },
  }
  const append = planRun(run, entry, only({ history: true }), { remote: true })
  assert.equal(append.action, 'append')
  assert.equal(append.rows, 500)
  assert.equal(append.requests, 1 + 1)
  const same = {
    ...entry,
    updatedAt: 't1',
    historyLineCount: 2500,
    lastHistoryStep: 2499,
    history: { lastStep: 2499, rows: 2500, parts: [] },
  }
  assert.deepEqual(planRun(run, same, only({ history: true }), { remote: true }), {
    id: 'r1',
    action: 'skip',
    rows: 0,
    bytes: 0,
    requests: 0,
  })
})

test('summarizePlan sums runs and counts the listing requests', () => {
  const plan = summarizePlan([
    { id: 'a', action: 'new', rows: 10, bytes: 100, requests: 3 },
    { id: 'b', action: 'skip', rows: 0, bytes: 0, requests: 0 },
    { id: 'c', action: 'append', rows: 5, bytes: 50, requests: 2 },
  ], 4)
  assert.deepEqual(plan.totals, {
    runs: 3,
    toExport: 2,
    unchanged: 1,
    rows: 15,
    bytes: 150,
    requests: 9,
    listingRequests: 4,
  })
  assert.equal(plan.runs.length, 3)
})
