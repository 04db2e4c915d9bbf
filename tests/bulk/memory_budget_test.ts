/**
 * One byte budget for a whole export (issue 15): runs reserve before reading, wait when it is
 * spent, and a run larger than the whole budget still runs, alone.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { runBytes } from '../../src/bulk/run_memory.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { fastApi, tempDir } from './_project.ts'

/** A server with `runs` small generated runs in `e/p`. */
function serve(runs: number): Promise<TestServer> {
  return startTestServer({
    limits: { latencyMs: 5 },
    generatedProjects: [{ entity: 'e', project: 'p', runs, sizes: 'uniform:50:400', metrics: 4 }],
    warm: {},
  })
}

test('at concurrency 128 the bytes reserved never exceed the budget, and every run is exported', {
  timeout: 180_000,
}, async () => {
  const server = await serve(200)
  const folder = tempDir('budget')
  // Each run here reserves about 0.8 MB (a 1,024-row group of 8 columns): 3 MB holds 3 of them.
  const memoryBytes = 3_000_000
  try {
    const result = await exportProject({
      source: 'e/p',
      out: folder.dir,
      api: fastApi(server),
      concurrency: 128,
      memoryBytes,
      governor: { initialConcurrency: 128, maxConcurrency: 256 },
    })
    assert.equal(result.complete, true)
    assert.equal(result.progress.rows, server.generated[0].totalRows)
    const perRun = runBytes(400, 8)
    assert.ok(result.budget.highWater <= memoryBytes, `high water ${result.budget.highWater}`)
    assert.ok(result.budget.highWater > memoryBytes - perRun, 'the budget was filled')
    assert.ok(result.budget.waits > 0, 'runs waited for the budget')
    assert.ok(
      result.governor!.runs.peak > Math.floor(memoryBytes / perRun),
      `runs in flight ${result.governor!.runs.peak}: more than fit, so the budget bounded them`,
    )
    assert.equal(result.budget.reserved, 0)
  } finally {
    await server.stop()
    folder.cleanup()
  }
})

test('runs larger than the whole budget are exported one at a time instead of waiting forever', {
  timeout: 120_000,
}, async () => {
  const server = await serve(12)
  const folder = tempDir('budget-small')
  try {
    const result = await exportProject({
      source: 'e/p',
      out: folder.dir,
      api: fastApi(server),
      memoryBytes: 10_000,
    })
    assert.equal(result.complete, true)
    assert.equal(result.progress.rows, server.generated[0].totalRows)
    assert.equal(result.budget.highWater, 10_000)
  } finally {
    await server.stop()
    folder.cleanup()
  }
})
