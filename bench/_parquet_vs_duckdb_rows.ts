/**
 * The rows of `parquet_vs_duckdb.bench.ts`: `_step` and 20 metrics `m0`…`m19`, each a random walk
 * from a fixed-seed integer generator (no `Math.sin`, whose last bits differ between runtimes),
 * half of them rounded to float32 as PyTorch metrics are. Written as NDJSON with JavaScript's
 * shortest round-trip spelling, which DuckDB and `JSON.parse` read back to the same doubles.
 */
import type { Row } from '../src/row.ts'
import type { ColumnType } from '../src/export/column_kind.ts'

/** Metric columns per row. */
export const METRICS = 20

/** Column names in order. */
export const COLUMNS: string[] = ['_step', ...Array.from({ length: METRICS }, (_, k) => `m${k}`)]

/** Declared Parquet types (as a bulk export declares them from `historyKeys`). */
export const TYPES: Record<string, ColumnType> = Object.fromEntries(
  COLUMNS.map((c) => [c, c === '_step' ? 'int' : 'double']),
)

/** Rows `0..n-1`, deterministic on every runtime. */
export function* benchRows(n: number): Generator<Row> {
  let seed = 12345
  const walk = new Float64Array(METRICS).map((_, k) => 1 + k)
  for (let i = 0; i < n; i++) {
    const row: Row = { _step: i }
    for (let k = 0; k < METRICS; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      walk[k] += (seed / 2 ** 32 - 0.5) * 0.01
      row[COLUMNS[k + 1]] = k % 2 === 0 ? Math.fround(walk[k]) : walk[k]
    }
    yield row
  }
}
