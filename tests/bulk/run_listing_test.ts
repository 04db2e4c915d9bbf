/**
 * A remote export starts runs while later listing pages are on their way (issue 15), and its
 * output does not depend on when the pages arrived: a key that only a later page's runs log
 * reaches every part, with the same bytes as an export whose listing came in one page.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { assertSameExport, fastApi, seedRun, snapshot, tempDir } from './_project.ts'

const E = 'bulk'
const P = 'listing'
let server: TestServer

before(async () => {
  // Pages answer in about 40 ms, so runs of the first pages can start before the last one.
  server = await startTestServer({ limits: { latencyMs: 40 } })
  for (let i = 0; i < 8; i++) {
    // Run 6 (the fourth page of two) is the only one that logs `late_key`.
    server.addRun(seedRun(E, P, i, i === 6 ? { metrics: ['loss', 'late_key'] } : {}))
  }
}, { timeout: 60_000 })

after(() => server.stop())

test('runs start before the last listing page, and the output equals a one-page listing', {
  timeout: 120_000,
}, async () => {
  const paged = tempDir('listing-paged')
  const onePage = tempDir('listing-one-page')
  try {
    const from = server.requests.length
    const totals: number[] = []
    const result = await exportProject({
      source: `${E}/${P}`,
      out: paged.dir,
      api: fastApi(server),
      perPage: 2,
      onProgress: (event) => totals.push(event.snapshot().runsTotal),
    })
    assert.equal(result.complete, true)
    assert.equal(result.progress.runsDone, 8)
    // The first page's runCount gives the total before the other pages arrive.
    assert.deepEqual([...new Set(totals)], [8])
    const ops = server.requests.slice(from).map((r) => r.operation)
    const lastPage = ops.lastIndexOf('Runs')
    const firstHistory = ops.indexOf('RunParquetHistory')
    assert.equal(ops.filter((op) => op === 'Runs').length, 4)
    assert.ok(
      firstHistory >= 0 && firstHistory < lastPage,
      `a run's history was asked for (request ${firstHistory}) before the last page (${lastPage})`,
    )

    await exportProject({
      source: `${E}/${P}`,
      out: onePage.dir,
      api: fastApi(server),
      perPage: 50,
    })
    const manifest = await assertSameExport(onePage.dir, paged.dir) as {
      historySchema: { columns: string[] }
    }
    assert.ok(manifest.historySchema.columns.includes('late_key'))
    assert.equal((await verifyDataset(paged.dir)).ok, true)
  } finally {
    paged.cleanup()
    onePage.cleanup()
  }
})

test('each shard lists the project once, and its parts equal those of the unsharded export', {
  timeout: 120_000,
}, async () => {
  const whole = tempDir('listing-whole')
  const sharded = tempDir('listing-sharded')
  try {
    await exportProject({ source: `${E}/${P}`, out: whole.dir, api: fastApi(server), perPage: 50 })
    let runs = 0
    for (const index of [0, 1]) {
      const from = server.requests.length
      const result = await exportProject({
        source: `${E}/${P}`,
        out: sharded.dir,
        api: fastApi(server),
        perPage: 2,
        query: { shard: { index, count: 2 } },
      })
      assert.equal(result.complete, true)
      // A shard's total is its own runs, not the project's runCount.
      assert.equal(result.progress.runsTotal, result.progress.runsDone)
      runs += result.progress.runsDone
      const listings = server.requests.slice(from).filter((r) => r.operation === 'Runs')
      assert.equal(listings.length, 4, `shard ${index}: one listing of 4 pages`)
    }
    assert.equal(runs, 8)
    const a = await snapshot(whole.dir)
    const b = await snapshot(sharded.dir)
    const parts = [...a.keys()].filter((name) => name.startsWith('history/'))
    assert.equal(parts.length, 8)
    for (const name of parts) assert.deepEqual(b.get(name), a.get(name), name)
  } finally {
    whole.cleanup()
    sharded.cleanup()
  }
})

test('a listing that fails part way fails the export, naming the listing', {
  timeout: 60_000,
}, async () => {
  const folder = tempDir('listing-fails')
  server.fault({ operation: 'Runs', kind: 'status', status: 400, skip: 1 })
  try {
    await assert.rejects(
      exportProject({ source: `${E}/${P}`, out: folder.dir, api: fastApi(server), perPage: 2 }),
      /Runs for bulk\/listing failed: HTTP 400/,
    )
  } finally {
    folder.cleanup()
  }
})
