import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import type { Manifest } from '../../src/bulk/manifest.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import { flattenRow } from '../../src/export/flatten.ts'
import { jsonText } from '../../src/export/json_text.ts'
import { LocalRuns } from '../../src/local/local_runs.ts'
import type { Row } from '../../src/row.ts'
import { ownFixturesDir } from '../_fixtures.ts'
import {
  duckRows,
  exportedHistory,
  readParquetRows,
  snapshot,
  sqlPath,
  tempDir,
} from './_project.ts'

const WANDB = join(ownFixturesDir, 'runs', 'wandb')
let folder: { dir: string; cleanup: () => void }
let runs: LocalRuns
let ids: string[]
let manifest: Manifest

before(async () => {
  folder = tempDir('local')
  runs = await LocalRuns.open(WANDB)
  ids = runs.ids()
  const result = await exportProject({
    source: WANDB,
    out: folder.dir,
    include: {
      history: true,
      system: true,
      configSummary: true,
      files: true,
      artifacts: true,
      logs: true,
    },
    concurrency: 4,
  })
  assert.equal(result.complete, true)
  assert.deepEqual(result.failures, [])
  manifest = JSON.parse(readFileSync(join(folder.dir, 'wbx-manifest.json'), 'utf8'))
}, { timeout: 60_000 })

after(() => folder.cleanup())

/** Rows of a local run's history, flattened like the export's columns. */
async function localHistory(id: string): Promise<Row[]> {
  const run = await runs.get(id)
  const rows: Row[] = []
  for await (const batch of run.scanHistory()) {
    for (const row of batch) rows.push({ ...flattenRow(row) })
  }
  return rows
}

test('a local wandb/ folder exports one partition per run id, a resumed run as one', {
  timeout: 60_000,
}, async () => {
  assert.equal(ids.length, 14)
  assert.deepEqual(manifest.selection, [...ids].sort())
  assert.equal(manifest.source.kind, 'local')
  for (const id of ids) {
    const run = await runs.get(id)
    const exported = await exportedHistory(folder.dir, id)
    assert.equal(exported.length, run.historyLineCount, id)
    assert.equal(manifest.runs[id].history!.rows, run.historyLineCount, id)
    assert.equal(manifest.runs[id].lastHistoryStep, run.lastHistoryStep, id)
  }
  // The resumed run's three folders are one run; offline resumes restart at step 0, in log order.
  const resumed = await exportedHistory(folder.dir, 'wbxresumed')
  assert.deepEqual(resumed.map((r) => r._step), [0, 1, 2, 3, 4, 0, 1, 2, 5, 6, 7])
  assert.deepEqual(resumed.map((r) => r.loss), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1.5, 1])
})

test('numeric histories match the local reader row for row (NaN and infinities kept)', {
  timeout: 60_000,
}, async () => {
  for (const id of ['wbxscalars', 'wbxnested', 'wbxlarge', 'wbxresumed', 'wbxnaninf']) {
    const exported = await exportedHistory(folder.dir, id)
    const local = (await localHistory(id)).map((row) => {
      const out: Row = {}
      for (const [k, v] of Object.entries(row)) {
        out[k] = Array.isArray(v) ? jsonText(v, 'string') : v // arrays are JSON text in Parquet
      }
      return out
    })
    assert.deepEqual(exported, local, id)
  }
})

test('system metrics, console logs, files and artifacts are exported with checksums', {
  timeout: 60_000,
}, async () => {
  const system = await runs.get('wbxsystem')
  const systemRows = await readParquetRows(
    join(folder.dir, 'system/run_id=wbxsystem/part-00000.parquet'),
  )
  assert.equal(systemRows.length, system.systemLineCount)
  assert.ok(systemRows.length > 1)
  assert.ok(
    systemRows.every((r) => typeof r['system.cpu'] === 'number' || 'system.memory_percent' in r),
  )
  assert.equal(manifest.runs.wbxsystem.system!.sampled, false)

  const consoleRun = await runs.get('wbxconsole')
  let text = ''
  for await (const batch of consoleRun.consoleLines({ ansi: 'strip' })) {
    for (const line of batch) text += line.text + '\n'
  }
  assert.ok(text.length > 0)
  assert.equal(readFileSync(join(folder.dir, 'logs/wbxconsole/output.log'), 'utf8'), text)

  const media = manifest.runs.wbxmedia.files!
  assert.ok(media.some((f) => f.name.startsWith('media/images/')))
  for (const f of media) {
    const source = (await (await runs.get('wbxmedia')).files()).find((s) => s.name === f.name)!
    const bytes = readFileSync(source.path!)
    assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'), f.name)
    assert.deepEqual(readFileSync(join(folder.dir, f.file)), bytes, f.name)
  }

  const artifacts = await readParquetRows(
    join(folder.dir, 'artifacts/run_id=wbxartifacts/part-00000.parquet'),
  )
  const logged = (await (await runs.get('wbxartifacts')).loggedArtifacts()).map((a) => a.name)
  assert.ok(logged.length > 0)
  assert.deepEqual(artifacts.filter((a) => a.direction === 'logged').map((a) => a.name), logged)
})

test('DuckDB reads the history folder with hive partitioning and no other option', {
  timeout: 60_000,
}, async () => {
  const counts = await duckRows(
    `SELECT run_id, count(*) AS n FROM read_parquet(${
      sqlPath(join(folder.dir, 'history/*/*.parquet'))
    }, hive_partitioning = true) GROUP BY run_id ORDER BY run_id`,
  )
  const expected = []
  for (const id of [...ids].sort()) {
    expected.push({ run_id: id, n: BigInt((await runs.get(id)).historyLineCount) })
  }
  assert.deepEqual(counts, expected)
})

test('a dry run of a local folder plans every run from its log and costs no request', {
  timeout: 60_000,
}, async () => {
  const fresh = await exportProject({ source: WANDB, out: join(folder.dir, 'none'), dryRun: true })
  assert.equal(fresh.plan.totals.runs, 14)
  assert.equal(fresh.plan.totals.requests, 0)
  const large = fresh.plan.runs.find((r) => r.id === 'wbxlarge')!
  assert.deepEqual([large.action, large.rows], [
    'new',
    (await runs.get('wbxlarge')).historyLineCount,
  ])
  const again = await exportProject({
    source: WANDB,
    out: folder.dir,
    include: {
      history: true,
      system: true,
      configSummary: true,
      files: true,
      artifacts: true,
      logs: true,
    },
    dryRun: true,
  })
  assert.equal(again.plan.totals.unchanged, 14)
})

test('a second export of an unchanged folder rewrites nothing, and verify passes', {
  timeout: 60_000,
}, async () => {
  const before = await snapshot(folder.dir)
  const again = await exportProject({
    source: WANDB,
    out: folder.dir,
    include: {
      history: true,
      system: true,
      configSummary: true,
      files: true,
      artifacts: true,
      logs: true,
    },
  })
  assert.deepEqual(again.plan.runs.map((r) => r.action), ids.map(() => 'skip'))
  const now = await snapshot(folder.dir)
  for (const [name, bytes] of before) {
    if (name !== 'wbx-manifest.json') assert.deepEqual(now.get(name), bytes, name)
  }
  assert.deepEqual((await verifyDataset(folder.dir)).problems, [])
})
