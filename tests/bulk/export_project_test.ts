import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import type { Manifest } from '../../src/bulk/manifest.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import {
  addRuns,
  duckRows,
  exportedHistory,
  fastApi,
  readParquetRows,
  runId,
  serverHistory,
  snapshot,
  sqlPath,
  stepsOf,
  tempDir,
  withoutTimestamps,
} from './_project.ts'

const RUNS = 200
let server: TestServer
let folder: { dir: string; cleanup: () => void }
let result: Awaited<ReturnType<typeof exportProject>>

before(async () => {
  server = await startTestServer()
  addRuns(server, 'bulk', 'p200', RUNS)
  folder = tempDir('p200')
  result = await exportProject({
    source: 'bulk/p200',
    out: folder.dir,
    api: fastApi(server),
    concurrency: 8,
  })
}, { timeout: 60_000 })

after(async () => {
  folder.cleanup()
  await server.stop()
})

test('a 200-run project exported with 8 workers holds exactly the server rows of every run', {
  timeout: 60_000,
}, async () => {
  assert.equal(result.complete, true)
  assert.deepEqual(result.failures, [])
  assert.equal(result.progress.runsDone, RUNS)
  let total = 0
  for (let i = 0; i < RUNS; i++) {
    const id = runId(i)
    const rows = await exportedHistory(folder.dir, id)
    assert.equal(rows.length, stepsOf(i), id)
    assert.deepEqual(rows, serverHistory(server, 'bulk', 'p200', id), id)
    total += rows.length
  }
  assert.equal(result.progress.rows, total)
  // The runs overlapped: the governor saw several requests in flight at once.
  const peak = Math.max(...result.governor!.history.map((s) => s.inFlight))
  assert.ok(peak > 1, `expected concurrent requests, peak in flight was ${peak}`)
})

test('the manifest records watermarks, parts with sha256, and the selection', () => {
  const manifest: Manifest = JSON.parse(readFileSync(join(folder.dir, 'wbx-manifest.json'), 'utf8'))
  assert.equal(manifest.format, 'wbx-export-manifest')
  assert.equal(manifest.version, 1)
  assert.equal(manifest.complete, true)
  assert.equal(manifest.selection.length, RUNS)
  assert.equal(manifest.source.path, 'bulk/p200')
  assert.equal(manifest.query.format, 'parquet')
  const entry = manifest.runs[runId(7)]
  assert.equal(entry.historyLineCount, stepsOf(7))
  assert.equal(entry.lastHistoryStep, stepsOf(7) - 1)
  assert.equal(entry.history!.lastStep, stepsOf(7) - 1)
  assert.equal(entry.history!.rows, stepsOf(7))
  assert.equal(entry.history!.parts.length, 1)
  assert.match(entry.history!.parts[0].sha256, /^[0-9a-f]{64}$/)
  assert.equal(entry.history!.parts[0].file, `history/run_id=${runId(7)}/part-00000.parquet`)
  assert.equal(manifest.totals.historyRows, result.progress.rows)
  assert.deepEqual(manifest.failures, [])
})

test('the runs table has one row per run in creation order with config and summary columns', {
  timeout: 60_000,
}, async () => {
  const rows = await readParquetRows(join(folder.dir, 'runs.parquet'))
  assert.equal(rows.length, RUNS)
  assert.deepEqual(rows.map((r) => r.run_id), Array.from({ length: RUNS }, (_, i) => runId(i)))
  const r5 = rows[5]
  assert.equal(r5.state, 'finished')
  assert.equal(r5.history_line_count, stepsOf(5))
  assert.equal(r5['config.seed'], 6)
  assert.equal(r5['config.optimizer'], 'adam')
  const last = serverHistory(server, 'bulk', 'p200', runId(5)).at(-1)!
  assert.equal(r5['summary.loss'], last.loss)
})

test('DuckDB reads history/*/*.parquet with hive_partitioning and no other option', {
  timeout: 60_000,
}, async () => {
  const history = sqlPath(join(folder.dir, 'history/*/*.parquet'))
  const counts = await duckRows(
    `SELECT run_id, count(*) AS n, max(_step) AS last
     FROM read_parquet(${history}, hive_partitioning = true) GROUP BY run_id ORDER BY run_id`,
  )
  assert.deepEqual(
    counts,
    Array.from({ length: RUNS }, (_, i) => ({
      run_id: runId(i),
      n: BigInt(stepsOf(i)),
      last: BigInt(stepsOf(i) - 1),
    })),
  )
  // Metrics every run logs, joined with the runs table on run_id.
  const joined = await duckRows(
    `SELECT r.state, count(*) AS n, count(h.loss) AS losses
     FROM read_parquet(${history}, hive_partitioning = true) h
     JOIN read_parquet(${sqlPath(join(folder.dir, 'runs.parquet'))}) r USING (run_id)
     GROUP BY r.state`,
  )
  assert.deepEqual(joined, [{
    state: 'finished',
    n: BigInt(result.progress.rows),
    losses: BigInt(result.progress.rows),
  }])
})

test('verify finds nothing wrong with a fresh export', { timeout: 60_000 }, async () => {
  const report = await verifyDataset(folder.dir)
  assert.deepEqual(report.problems, [])
  assert.equal(report.ok, true)
  assert.equal(report.runs, RUNS)
  assert.equal(report.files, RUNS + 1)
  assert.equal(report.rows, result.progress.rows)
})

test('running the same export again reads only the listing and changes no file', {
  timeout: 60_000,
}, async () => {
  const files = await snapshot(folder.dir)
  const before = server.requests.length
  const again = await exportProject({ source: 'bulk/p200', out: folder.dir, api: fastApi(server) })
  const ops = server.requests.slice(before).map((r) => r.operation ?? r.path)
  assert.ok(ops.length > 0 && ops.every((op) => op === 'Runs'), `unexpected requests: ${ops}`)
  assert.equal(again.plan.totals.unchanged, RUNS)
  assert.equal(again.progress.rows, 0)
  const now = await snapshot(folder.dir)
  assert.deepEqual([...now.keys()], [...files.keys()])
  for (const [name, bytes] of files) {
    if (name === 'wbx-manifest.json') continue
    assert.deepEqual(now.get(name), bytes, name)
  }
  const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)
  assert.deepEqual(
    withoutTimestamps(text(now.get('wbx-manifest.json'))),
    withoutTimestamps(text(files.get('wbx-manifest.json'))),
  )
})
