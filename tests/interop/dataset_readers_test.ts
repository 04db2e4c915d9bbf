/**
 * A heterogeneous project exported with `wbx export`, then grown by an incremental rerun, read
 * with each dataset reader's default options: every logged value of every run must be there.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Manifest } from '../../src/bulk/manifest.ts'
import type { Row } from '../../src/row.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import {
  buildDataset,
  differences,
  type LoggedRun,
  readWith,
  skipWithout,
  tempFolder,
} from './_project.ts'

const skip = skipWithout('pandas, pyarrow, polars, duckdb')
let folder: { dir: string; cleanup: () => void }
let out: string
let logged: Record<string, LoggedRun>
let jsonColumns: string[]

before(async () => {
  if (skip) return
  folder = tempFolder()
  ;({ out, logged } = await buildDataset(folder.dir))
  const manifest: Manifest = JSON.parse(readFileSync(join(out, 'wbx-manifest.json'), 'utf8'))
  const types = manifest.historySchema!.types
  jsonColumns = Object.keys(types).filter((k) => types[k] === 'json')
}, { timeout: 240_000 })

after(() => folder?.cleanup())

test(
  'the interop project has what the matrix needs: four runs, a rerun, a type change',
  { skip },
  async () => {
    assert.deepEqual(Object.keys(logged).sort(), ['alpha', 'beta', 'delta', 'gamma'])
    // `phase` is a number, then a string: one JSON column; `late/metric` came with the rerun.
    assert.ok(jsonColumns.includes('phase'), jsonColumns.join())
    assert.ok(jsonColumns.includes('hist'), jsonColumns.join())
    assert.deepEqual((await verifyDataset(out)).problems, [])
  },
)

for (const reader of ['pandas-dataset', 'pyarrow-dataset', 'polars-dataset', 'duckdb-dataset']) {
  test(
    `${reader} with default options sees every value of every run`,
    { skip, timeout: 120_000 },
    () => {
      const view = readWith(reader, out, jsonColumns)
      assert.deepEqual(differences(logged, view), [])
      for (const key of ['val/acc', 'flag', 'late/metric', '损失/loss', 'eval.score', 'note']) {
        assert.ok(key in view.types, `${reader} has no column ${key}: ${Object.keys(view.types)}`)
      }
      assert.match(view.types['loss'], /float|double/i)
      // pandas' NumPy-backed frames hold a bool column with nulls as `object` (values checked above).
      assert.match(view.types['flag'], reader === 'pandas-dataset' ? /object/ : /bool/i)
      assert.match(view.types['note'], /str|varchar|object/i)
    },
  )
}

for (const reader of ['pandas-runs', 'pyarrow-runs', 'polars-runs', 'duckdb-runs']) {
  test(
    `${reader}: the runs table is typed and joins history on run_id`,
    { skip, timeout: 60_000 },
    () => {
      const view = readWith(reader, out, ['config', 'summary'])
      const runs = new Map(view.rows.map((r) => [r.run_id, r]))
      assert.deepEqual([...runs.keys()].sort(), Object.keys(logged).sort())
      for (const [id, run] of Object.entries(logged)) {
        const row = runs.get(id)!
        assert.deepEqual(row.tags, run.tags, `${reader} ${id} tags`)
        assert.deepEqual(row.config, run.config, `${reader} ${id} config JSON`)
        assert.equal(row['config.lr'], run.config.lr, `${reader} ${id} config.lr`)
        assert.equal((row.summary as Row)._step, run.history.length - 1, `${reader} ${id} summary`)
        assert.equal(row.last_history_step, run.history.length - 1)
      }
      assert.match(view.types['created_at'], /timestamp|datetime/i)
      assert.match(view.types['tags'], /list|\[\]|object/i)
      assert.match(view.types['config.lr'], /float|double/i)
      assert.doesNotMatch(view.types['config'], /binary|bytes|blob/i)
    },
  )
}
