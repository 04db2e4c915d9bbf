/**
 * The request baseline of the bulk export (issue 15): how many requests `exportProject` with
 * default settings makes per run against the test server limiting like W&B. The numbers are
 * asserted so the session that cuts them sees the change here (and updates this test).
 *
 * Before: 2 API requests (RunHistoryKeys, RunParquetHistory) and 3 storage requests (HEAD,
 * footer range, row-group range) per run. Now: 1 API request (RunParquetHistory; the last step
 * comes from the listing's historyKeys) and 1 storage request (a suffix-range GET that brings a
 * small export whole) per run. See docs/network.md.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { requestStats } from '../../bench/moonshot_measure.ts'
import { startTestServer } from '../server/test_server.ts'
import { tempDir } from './_project.ts'

const RUNS = 24

test(
  'baseline: a default bulk export makes 1 rate-limited API request and 1 storage request per run, plus 1 listing page',
  {
    timeout: 120_000,
  },
  async () => {
    const server = await startTestServer({
      limits: { rate: 40, burst: 10 },
      generatedProjects: [{
        entity: 'e',
        project: 'limited',
        runs: RUNS,
        sizes: 'uniform:300:3000',
        metrics: 5,
      }],
      warm: {},
    })
    const folder = tempDir('baseline')
    try {
      const result = await exportProject({
        source: 'e/limited',
        out: folder.dir,
        api: { baseUrl: server.baseUrl, apiKey: server.apiKey },
      })
      assert.equal(result.complete, true)
      assert.equal(result.progress.rows, server.generated[0].totalRows)
      const stats = requestStats(server.requests)
      const allowed = server.requests.filter((r) => r.origin === 'api' && !r.rateLimited)
      const byOperation: Record<string, number> = {}
      for (const r of allowed) {
        byOperation[r.operation ?? r.path] = (byOperation[r.operation ?? r.path] ?? 0) + 1
      }
      // Per run: RunParquetHistory (signed URLs; the last step came with the listing page); on
      // storage one GET of the file's last MiB, which holds these small exports whole. Plus one
      // listing page for 24 runs.
      assert.deepEqual(byOperation, { Runs: 1, RunParquetHistory: RUNS })
      assert.equal(stats.storage, RUNS)
      const storage = server.requests.filter((r) => r.origin === 'files')
      assert.deepEqual(
        new Set(storage.map((r) => `${r.method} ${r.headers.range}`)),
        new Set([
          'GET bytes=-1048576',
        ]),
      )
      // The limit bound (25 requests at 40/s after a burst of 10): every refusal was retried.
      assert.equal(stats.api - stats.refused, 1 + RUNS)
      assert.equal(server.limits.limiter!.refused, stats.refused)
    } finally {
      await server.stop()
      folder.cleanup()
    }
  },
)

test(
  'with one run at a time, the next runs\u2019 RunParquetHistory is asked for while a run downloads (prefetch), still once per run',
  { timeout: 120_000 },
  async () => {
    const server = await startTestServer({
      limits: { latencyMs: 30 },
      generatedProjects: [{
        entity: 'e',
        project: 'ahead',
        runs: 12,
        sizes: 'fixed:500',
        metrics: 3,
      }],
      warm: {},
    })
    const folder = tempDir('prefetch')
    try {
      const result = await exportProject({
        source: 'e/ahead',
        out: folder.dir,
        concurrency: 1,
        api: { baseUrl: server.baseUrl, apiKey: server.apiKey },
      })
      assert.equal(result.complete, true)
      const order = server.requests.map((r) => r.origin === 'files' ? 'GET' : r.operation)
      assert.equal(order.filter((o) => o === 'RunParquetHistory').length, 12)
      assert.equal(order.filter((o) => o === 'GET').length, 12)
      // Without the prefetch each run's request comes right before its download (alternating);
      // with it, the requests for later runs come before the first run's download.
      const firstGet = order.indexOf('GET')
      const before = order.slice(0, firstGet).filter((o) => o === 'RunParquetHistory').length
      assert.ok(before > 1, `RunParquetHistory requests before the first download: ${before}`)
    } finally {
      await server.stop()
      folder.cleanup()
    }
  },
)
