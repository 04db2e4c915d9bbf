/**
 * Single-run outputs of `wbx history` (CSV, NDJSON, Parquet) read by polars, pandas and DuckDB:
 * every logged value comes back, and a float logged as `1.0` for 120 steps before a fraction
 * reads as a float column (polars infers types from the first 100 rows).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { flattenRow } from '../../src/export/flatten.ts'
import { runCli } from '../cli/_run_cli.ts'
import {
  differences,
  type LoggedRun,
  logPhase,
  type ReaderView,
  readWith,
  skipWithout,
  tempFolder,
} from './_project.ts'

const skip = skipWithout('pandas, pyarrow, polars, duckdb')
let folder: { dir: string; cleanup: () => void }
let logged: Record<string, LoggedRun>
const files: Record<string, string> = {}

/** `wbx history <run> -o <file> [flags]`, by run id. */
async function history(id: string, file: string, ...flags: string[]): Promise<string> {
  const runDir = readdirSync(join(folder.dir, 'wandb')).find((d) => d.endsWith(`-${id}`))!
  const out = join(folder.dir, file)
  const r = await runCli(['history', join(folder.dir, 'wandb', runDir), '-o', out, ...flags])
  assert.equal(r.code, 0, r.stderr)
  return out
}

before(async () => {
  if (skip) return
  folder = tempFolder()
  logged = logPhase(folder.dir, 1)
  for (const id of ['alpha', 'gamma']) {
    for (const ext of ['csv', 'ndjson', 'parquet']) {
      files[`${id}.${ext}`] = await history(id, `${id}.${ext}`)
    }
  }
  // The flags docs/readers.md gives for polars (it reads only inf as a float, and no NaN in JSON)
  // and DuckDB's JSON reader (bare NaN tokens).
  files['alpha-inf.csv'] = await history('alpha', 'alpha-inf.csv', '--infinity', 'inf')
  files['alpha-literal.ndjson'] = await history('alpha', 'alpha-literal.ndjson', '--nan', 'literal')
  files['alpha-string.parquet'] = await history(
    'alpha',
    'alpha-string.parquet',
    '--json-columns',
    'string',
  )
}, { timeout: 240_000 })

after(() => folder?.cleanup())

/** A view with the run id added and nested values flattened (NDJSON keeps nesting). */
function asRun(id: string, view: ReaderView): ReaderView {
  return { types: view.types, rows: view.rows.map((r) => ({ ...flattenRow(r), run_id: id })) }
}

/** The logged history of one run. */
function only(id: string): Record<string, LoggedRun> {
  return { [id]: logged[id] }
}

const JSON_COLUMNS = ['phase', 'hist']
const cases: [string, string, string, string[]][] = [
  ['polars-csv', 'alpha-inf.csv', 'alpha', JSON_COLUMNS],
  ['polars-csv', 'gamma.csv', 'gamma', []],
  ['polars-ndjson', 'gamma.ndjson', 'gamma', []],
  ['polars-parquet', 'alpha.parquet', 'alpha', JSON_COLUMNS],
  ['pandas-csv', 'alpha.csv', 'alpha', JSON_COLUMNS],
  ['pandas-ndjson', 'alpha.ndjson', 'alpha', []],
  ['pandas-parquet', 'alpha.parquet', 'alpha', JSON_COLUMNS],
  ['pandas-csv', 'gamma.csv', 'gamma', []],
  ['duckdb-csv', 'alpha.csv', 'alpha', JSON_COLUMNS],
  ['duckdb-ndjson', 'alpha-literal.ndjson', 'alpha', JSON_COLUMNS],
  ['duckdb-parquet', 'alpha.parquet', 'alpha', JSON_COLUMNS],
]

for (const [reader, file, id, jsonColumns] of cases) {
  test(`${reader} reads ${file} with every logged value`, { skip, timeout: 60_000 }, () => {
    const view = asRun(id, readWith(reader, files[file], jsonColumns))
    // CSV has no JSON columns: `phase` (numbers, then strings) reads as text.
    const text = file.endsWith('.csv') ? ['phase'] : []
    assert.deepEqual(differences(only(id), view, text), [])
    if (id === 'gamma') assert.match(view.types['ramp'], /float|double/i, `${reader}: ramp`)
    if (id === 'alpha') assert.match(view.types['edge'], /float|double/i, `${reader}: edge`)
  })
}

test('--infinity and --json-columns reach the exporters', { skip, timeout: 60_000 }, () => {
  // polars reads `Infinity` in CSV as text; `--infinity inf` makes the column a float.
  assert.equal(readWith('polars-csv', files['alpha.csv']).types['edge'], 'String')
  assert.equal(readWith('polars-csv', files['alpha-inf.csv']).types['edge'], 'Float64')
  // JSON columns: Parquet JSON by default, plain STRING with --json-columns string.
  assert.equal(readWith('duckdb-parquet', files['alpha.parquet']).types['hist'], 'JSON')
  assert.equal(readWith('duckdb-parquet', files['alpha-string.parquet']).types['hist'], 'VARCHAR')
})
