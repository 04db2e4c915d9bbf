import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { parquetPartSchema, schemaId } from '../../src/bulk/dataset_schema.ts'
import type { Manifest } from '../../src/bulk/manifest.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import { wandbPython } from '../_python.ts'
import { skipWithout } from '../interop/_project.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import {
  duckRows,
  exportedHistory,
  fastApi,
  seedRun,
  serverHistory,
  sqlPath,
  tempDir,
} from './_project.ts'

const E = 'bulk'
const P = 'unify'
let server: TestServer
let folder: { dir: string; cleanup: () => void }
const csvFolder = tempDir('unify-csv')

before(async () => {
  server = await startTestServer()
  for (let i = 0; i < 3; i++) server.addRun(seedRun(E, P, i))
  folder = tempDir('unify')
}, { timeout: 60_000 })

after(async () => {
  folder.cleanup()
  csvFolder.cleanup()
  await server.stop()
})

function manifest(): Manifest {
  return JSON.parse(readFileSync(join(folder.dir, 'wbx-manifest.json'), 'utf8'))
}

test('a run with a new key on an incremental rerun: every older part gets the column', {
  timeout: 60_000,
}, async () => {
  const api = fastApi(server)
  await exportProject({ source: `${E}/${P}`, out: folder.dir, api })
  const before = manifest()
  assert.ok(!before.historySchema!.columns.includes('late_key'))
  const part0 = 'history/run_id=r000/part-00000.parquet'
  const mtime = statSync(join(folder.dir, part0)).mtimeMs

  server.addRun(seedRun(E, P, 7, { metrics: ['loss', 'late_key'] }))
  const second = await exportProject({ source: `${E}/${P}`, out: folder.dir, api })
  assert.equal(second.complete, true)
  const m = manifest()
  assert.ok(m.historySchema!.columns.includes('late_key'))
  const id = schemaId(m.historySchema!)
  for (const entry of Object.values(m.runs)) {
    for (const part of entry.history!.parts) {
      assert.equal(part.schema, id, part.file)
      assert.deepEqual(await parquetPartSchema(join(folder.dir, part.file)), m.historySchema)
    }
  }
  // r000 was not read again (skip), but its part was rewritten from its own file.
  assert.equal(second.plan.runs.find((r) => r.id === 'r000')!.action, 'skip')
  assert.notEqual(statSync(join(folder.dir, part0)).mtimeMs, mtime)
  for (const run of ['r000', 'r001', 'r002', 'r007']) {
    const rows = (await exportedHistory(folder.dir, run)).map((r) => {
      const copy = { ...r }
      for (const k in copy) if (copy[k] === null) delete copy[k]
      return copy
    })
    assert.deepEqual(rows, serverHistory(server, E, P, run), run)
  }
  // DuckDB reads the folder without union_by_name and finds the new key.
  const [n] = await duckRows(
    `SELECT count("late_key") AS n FROM read_parquet(${
      sqlPath(join(folder.dir, 'history/*/*.parquet'))
    }, hive_partitioning = true)`,
  )
  assert.ok(Number(n.n) > 0)
  assert.deepEqual((await verifyDataset(folder.dir)).problems, [])

  // Nothing changed since: nothing is rewritten.
  const mtimeAfter = statSync(join(folder.dir, part0)).mtimeMs
  await exportProject({ source: `${E}/${P}`, out: folder.dir, api })
  assert.equal(statSync(join(folder.dir, part0)).mtimeMs, mtimeAfter)
})

test('CSV: a run with a new key on an incremental rerun: every older part gets the column', {
  timeout: 60_000,
}, async () => {
  const project = 'unify-csv'
  for (let i = 0; i < 3; i++) server.addRun(seedRun(E, project, i))
  const out = csvFolder
  const api = fastApi(server)
  await exportProject({ source: `${E}/${project}`, out: out.dir, api, format: 'csv' })
  const part0 = join(out.dir, 'history/run_id=r000/part-00000.csv')
  assert.ok(!readFileSync(part0, 'utf8').split('\n')[0].includes('late_key'))

  server.addRun(seedRun(E, project, 7, { metrics: ['loss', 'late_key'] }))
  const second = await exportProject({
    source: `${E}/${project}`,
    out: out.dir,
    api,
    format: 'csv',
  })
  assert.equal(second.complete, true)
  assert.equal(second.plan.runs.find((r) => r.id === 'r000')!.action, 'skip')
  const m: Manifest = JSON.parse(readFileSync(join(out.dir, 'wbx-manifest.json'), 'utf8'))
  const columns = m.historySchema!.columns
  assert.ok(columns.includes('late_key'))
  let rows = 0
  for (const entry of Object.values(m.runs)) {
    for (const part of entry.history!.parts) {
      const text = readFileSync(join(out.dir, part.file), 'utf8')
      assert.equal(text.split('\n')[0], columns.join(','), part.file)
      assert.equal(part.schema, schemaId(m.historySchema!), part.file)
      assert.equal(part.bytes, Buffer.byteLength(text), part.file)
      rows += part.rows
    }
  }
  // DuckDB reads the folder with its defaults (no union_by_name) and finds the new key.
  const glob = sqlPath(join(out.dir, 'history/*/*.csv'))
  const [n] = await duckRows(
    `SELECT count(*) AS n, count("late_key") AS late FROM read_csv(${glob}, hive_partitioning = true)`,
  )
  assert.equal(Number(n.n), rows)
  assert.equal(
    Number(n.late),
    serverHistory(server, E, project, 'r007').filter((r) => r.late_key != null).length,
  )
  const [first] = await duckRows(
    `SELECT * FROM read_csv(${glob}, hive_partitioning = true) WHERE run_id = 'r007' ORDER BY _step LIMIT 1`,
  )
  assert.equal(Number(first.late_key), serverHistory(server, E, project, 'r007')[0].late_key)
  assert.deepEqual((await verifyDataset(out.dir)).problems, [])
})

test('CSV: polars reads the folder of parts after the rerun and sees the new key', {
  skip: skipWithout('polars'),
  timeout: 60_000,
}, () => {
  // Before older parts got the new header, this failed with "schema lengths differ".
  const script = [
    'import sys, polars as pl',
    "df = pl.read_csv(sys.argv[1] + '/history/*/*.csv')",
    "print(df.height, df['late_key'].count())",
  ].join('\n')
  const r = spawnSync(wandbPython!, ['-c', script, csvFolder.dir], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  const m: Manifest = JSON.parse(readFileSync(join(csvFolder.dir, 'wbx-manifest.json'), 'utf8'))
  const rows = Object.values(m.runs).reduce(
    (n, e) => n + e.history!.parts.reduce((k, p) => k + p.rows, 0),
    0,
  )
  const late = serverHistory(server, E, 'unify-csv', 'r007').filter((r) =>
    r.late_key != null
  ).length
  assert.equal(r.stdout.trim(), `${rows} ${late}`)
})
