/**
 * Synthetic W&B-like history rows for the export benchmark: `_step`, `_timestamp`, `_runtime`,
 * 20 float metrics (one with an occasional NaN), eval metrics every 100 steps (sparse), and a
 * string column every 1000 steps.
 */
import type { Row } from '../src/row.ts'
import type { ColumnType } from '../src/export/column_kind.ts'

const METRICS: string[] = Array.from({ length: 20 }, (_, k) => `train/m${k}`)

/** All columns, in the order the rows first show them. */
export const SYNTHETIC_COLUMNS: string[] = [
  '_step',
  '_timestamp',
  '_runtime',
  ...METRICS,
  'phase',
  'eval/loss',
  'eval/acc',
]

/** Declared Parquet types of the columns. */
export const SYNTHETIC_TYPES: Record<string, ColumnType> = Object.fromEntries(
  SYNTHETIC_COLUMNS.map((c) => [c, c === '_step' ? 'int' : c === 'phase' ? 'string' : 'double']),
)

/** Rows start..start+n-1, built with object literals so they have fast properties like JSON.parse output. */
export function syntheticBatch(start: number, n: number): Row[] {
  const rows: Row[] = new Array(n)
  for (let r = 0; r < n; r++) {
    const i = start + r
    const x = i * 0.001
    const row: Row = {
      _step: i,
      _timestamp: 1700000000.125 + i * 0.37,
      _runtime: i * 0.37,
      'train/m0': Math.sin(x) + 0.5,
      'train/m1': Math.sin(x + 1) * 2 + 0.5,
      'train/m2': Math.sin(x + 2) * 3 + 0.5,
      'train/m3': Math.sin(x + 3) * 4 + 0.5,
      'train/m4': Math.sin(x + 4) * 5 + 0.5,
      'train/m5': Math.sin(x + 5) * 6 + 0.5,
      'train/m6': Math.sin(x + 6) * 7 + 0.5,
      'train/m7': i % 997 === 0 ? NaN : Math.sin(x + 7) * 8 + 0.5,
      'train/m8': Math.sin(x + 8) * 9 + 0.5,
      'train/m9': Math.sin(x + 9) * 10 + 0.5,
      'train/m10': Math.cos(x) + 0.5,
      'train/m11': Math.cos(x + 1) * 2 + 0.5,
      'train/m12': Math.cos(x + 2) * 3 + 0.5,
      'train/m13': Math.cos(x + 3) * 4 + 0.5,
      'train/m14': Math.cos(x + 4) * 5 + 0.5,
      'train/m15': Math.cos(x + 5) * 6 + 0.5,
      'train/m16': Math.cos(x + 6) * 7 + 0.5,
      'train/m17': Math.cos(x + 7) * 8 + 0.5,
      'train/m18': Math.cos(x + 8) * 9 + 0.5,
      'train/m19': Math.cos(x + 9) * 10 + 0.5,
    }
    if (i % 1000 === 0) row.phase = `epoch-${i / 1000}`
    if (i % 100 === 0) {
      row['eval/loss'] = 1 / (1 + i * 0.0001)
      row['eval/acc'] = Math.min(1, i / 5_000_000)
    }
    rows[r] = row
  }
  return rows
}
