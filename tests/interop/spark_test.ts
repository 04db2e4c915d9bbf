/**
 * Apache Spark (pyspark, local[1]) reads the interop dataset with `spark.read.parquet(dir)` and
 * no options: every logged value of every run, and the runs table joins on `run_id`. Spark starts
 * once for this file (it takes tens of seconds).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  buildDataset,
  differences,
  jsonColumnsOf,
  type LoggedRun,
  type ReaderView,
  readWithSpark,
  skipWithout,
  tempFolder,
} from './_project.ts'

const skip = skipWithout('pyspark')
let folder: { dir: string; cleanup: () => void }
let logged: Record<string, LoggedRun>
let seen: { history: ReaderView; runs: ReaderView }

before(async () => {
  if (skip) return
  folder = tempFolder()
  const built = await buildDataset(folder.dir)
  logged = built.logged
  seen = readWithSpark(built.out, jsonColumnsOf(built.out))
}, { timeout: 600_000 })

after(() => folder?.cleanup())

test('Spark spark.read.parquet(dir) sees every value of every run, typed', { skip }, () => {
  assert.deepEqual(differences(logged, seen.history), [])
  const types = seen.history.types
  assert.equal(types['loss'], 'double')
  assert.equal(types['flag'], 'boolean')
  assert.equal(types['late/metric'], 'double')
  assert.equal(types['phase'], 'string')
  assert.equal(types['run_id'], 'string')
})

test('Spark joins the runs table to history on run_id', { skip }, () => {
  const runs = new Map(seen.runs.rows.map((r) => [r.run_id, r]))
  assert.deepEqual([...runs.keys()].sort(), ['alpha', 'beta', 'delta', 'gamma'])
  for (const [id, run] of Object.entries(logged)) {
    assert.equal(runs.get(id)!['config.lr'], run.config.lr, id)
    assert.deepEqual(runs.get(id)!.tags, run.tags, id)
  }
  assert.equal(seen.runs.types['created_at'], 'timestamp')
  assert.equal(seen.runs.types['tags'], 'array<string>')
  assert.equal(seen.runs.types['config'], 'string')
})
