/**
 * Row objects into a row group's columns (`RowGroupBuilder.append`), key by key against the
 * compiled transposer (`src/export/row_transposer.ts`), side by side in one process: rounds
 * alternate the two, after warm rounds. Rows are `parquet_vs_duckdb.bench.ts`'s (`_step` and 20
 * metrics), parsed from NDJSON as a local run's rows are objects, in batches of 1,000 into groups
 * of 47,619 rows (1M cells ÷ 21 columns, the exporter's default); `--sparse K` keeps K metrics of
 * each row (a wide dataset schema over runs that log a few keys each).
 *
 * Usage: `<runtime> bench/row_transposer.bench.ts [--rows 100000] [--rounds 20] [--sparse 0]`.
 * Prints ms per 100,000 rows, the median of the rounds of each way.
 *
 * @module
 */
import process from 'node:process'
import { parseArgs } from 'node:util'
import { RowGroupBuilder } from '../src/export/parquet_group.ts'
import { runtimeName } from '../src/runtime.ts'
import type { Row } from '../src/row.ts'
import { benchRows, COLUMNS, METRICS, TYPES } from './_parquet_vs_duckdb_rows.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    rows: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '20' },
    sparse: { type: 'string', default: '0' },
  },
})
const count = Number(values.rows)
const rounds = Number(values.rounds)
const keep = Number(values.sparse)

const rows: Row[] = [...benchRows(count)].map((row, i) => {
  if (keep > 0) {
    for (let k = 0; k < METRICS; k++) if ((k + i) % METRICS >= keep) delete row[`m${k}`]
  }
  return JSON.parse(JSON.stringify(row))
})

/** Appends every row once through a builder; returns the ms taken. */
function pass(transpose: boolean): number {
  const group = new RowGroupBuilder({
    rowGroupSize: 47_619,
    rowGroupCells: 1_000_000,
    declared: TYPES,
    strict: true,
    transpose,
  })
  group.sync(COLUMNS)
  const started = performance.now()
  for (let at = 0; at < rows.length;) {
    const take = Math.min(group.room, rows.length - at, 1000)
    group.append(rows, at, at + take)
    at += take
    if (group.room === 0) group.reset()
  }
  const ms = performance.now() - started
  group.release()
  return ms
}

const times = { keys: [] as number[], compiled: [] as number[] }
for (let round = -5; round < rounds; round++) {
  const keys = pass(false)
  const compiled = pass(true)
  if (round < 0) continue
  times.keys.push(keys)
  times.compiled.push(compiled)
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const per = (ms: number) => (ms * 100_000 / count).toFixed(1)
const versions = process.versions as Record<string, string | undefined>
const runtime = `${runtimeName} ${versions[runtimeName] ?? versions.node}`
console.log(
  `${runtime}, ${count} rows × ${COLUMNS.length} columns${
    keep ? ` (${keep} metrics a row)` : ''
  }: key by key ${per(median(times.keys))} ms, transposer allowed ${
    per(median(times.compiled))
  } ms per 100,000 rows`,
)
