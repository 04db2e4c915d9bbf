/**
 * The request baseline of today's bulk export (issue 15): how many requests `exportProject`
 * with default settings makes per run against the test server limiting like W&B. The numbers
 * are asserted so the session that cuts them sees the change here (and updates this test).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { requestStats } from '../../bench/moonshot_measure.ts'
import { startTestServer } from '../server/test_server.ts'
import { tempDir } from './_project.ts'

const RUNS = 24

test(
  'baseline: a default bulk export makes 2 rate-limited API requests and 3 storage requests per run, plus 1 listing page',
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
      // Today's path, per run: RunHistoryKeys, RunParquetHistory (signed URLs); on storage: HEAD,
      // the footer range, the row-group range. Plus one listing page for 24 runs.
      assert.deepEqual(byOperation, { Runs: 1, RunHistoryKeys: RUNS, RunParquetHistory: RUNS })
      assert.equal(stats.storage, 3 * RUNS)
      const storage = server.requests.filter((r) => r.origin === 'files')
      assert.equal(storage.filter((r) => r.method === 'HEAD').length, RUNS)
      assert.equal(storage.filter((r) => r.headers.range !== undefined).length, 2 * RUNS)
      // The limit bound (49 requests at 40/s after a burst of 10): every refusal was retried.
      assert.equal(stats.api - stats.refused, 1 + 2 * RUNS)
      assert.equal(server.limits.limiter!.refused, stats.refused)
    } finally {
      await server.stop()
      folder.cleanup()
    }
  },
)
