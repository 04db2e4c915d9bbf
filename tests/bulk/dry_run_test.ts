import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { planExport } from '../../src/bulk/dry_run.ts'
import type { BulkRun, BulkSource } from '../../src/bulk/bulk_source.ts'
import type { Include } from '../../src/bulk/manifest.ts'

const n = [{ type: 'number', count: 1 }]

/** An in-memory source of runs with `rows` history rows each and two files. */
function source(ids: string[], remote: boolean): BulkSource & { opened: string[] } {
  const opened: string[] = []
  const run = (id: string) =>
    ({
      id,
      state: 'finished',
      createdAt: '2024-05-01T00:00:00',
      updatedAt: 't',
      historyLineCount: 1500,
      lastHistoryStep: 1499,
      historyKeys: { _step: { typeCounts: n }, loss: { typeCounts: n } },
      files: () =>
        Promise.resolve([
          { name: 'a.txt', sizeBytes: 10, md5: 'x' },
          { name: 'b.bin', sizeBytes: 90, md5: 'y' },
        ]),
    }) as unknown as BulkRun
  return {
    opened,
    remote,
    description: { kind: remote ? 'remote' : 'local', path: 'e/p' },
    list: () =>
      Promise.resolve(ids.map((id) => ({
        id,
        createdAt: '2024-05-01T00:00:00',
        updatedAt: 't',
        open: () => (opened.push(id), Promise.resolve(run(id))),
      }))),
  }
}

const include: Include = {
  history: true,
  system: false,
  configSummary: true,
  files: true,
  artifacts: false,
  logs: false,
}

test('planExport plans every listed run against an absent folder, writing nothing', async () => {
  const src = source(['r1', 'r2'], true)
  const out = join(tmpdir(), `wbx-dry-run-absent-${process.pid}`)
  const plan = await planExport(src, out, {}, include, {
    concurrency: 2,
    signal: new AbortController().signal,
    listingRequests: () => 3,
  })
  assert.deepEqual(plan.runs.map((r) => [r.id, r.action, r.rows, r.bytes, r.requests]), [
    ['r1', 'new', 1500, 1500 * 16 + 100, 1 + 2 + 1 + 4],
    ['r2', 'new', 1500, 1500 * 16 + 100, 1 + 2 + 1 + 4],
  ])
  assert.deepEqual(plan.totals, {
    runs: 2,
    toExport: 2,
    unchanged: 0,
    rows: 3000,
    bytes: 2 * (1500 * 16 + 100),
    requests: 3 + 2 * 8,
    listingRequests: 3,
  })
  assert.equal(existsSync(out), false)
  assert.deepEqual(src.opened.sort(), ['r1', 'r2'])
})

test('planExport leaves out runs the query does not select', async () => {
  const src = source(['r1', 'r2', 'r3'], false)
  const plan = await planExport(
    src,
    join(tmpdir(), 'wbx-dry-run-none'),
    { runs: ['r2'] },
    include,
    {
      concurrency: 1,
      signal: new AbortController().signal,
      listingRequests: () => 0,
    },
  )
  assert.deepEqual(plan.runs.map((r) => r.id), ['r2'])
  assert.equal(plan.runs[0].requests, 0) // local runs cost no requests
  assert.equal(plan.totals.runs, 1)
})
