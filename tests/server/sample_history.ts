/**
 * Hand-shaped history for the history reader's tests (tests/api/history_*_test.ts): a sparse run
 * like real training logs, and the test-server export settings that split its first rows into a
 * given number of Parquet files of small row groups, the rest left live.
 *
 * @module
 */
import type { Row } from '../../src/row.ts'
import type { ExportSettings } from './run_seed.ts'

/** A sparse run like real training logs: gaps, nested dicts, media, strings, NaN and ±Infinity. */
export function sampleRows(count = 60): Row[] {
  const rows: Row[] = []
  for (let step = 0; step < count + 10; step++) {
    if (step >= 20 && step < 30) continue // a gap of ten steps with no rows
    const row: Row = { _step: step, _runtime: step * 0.5, _timestamp: 1_700_000_000 + step }
    row.loss = step === 7 ? NaN : step === 13 ? Infinity : step === 14 ? -Infinity : 1 / (step + 1)
    if (step % 2 === 0) row.acc = step / 100
    if (step % 10 === 0) row['val/loss'] = step / 7
    if (step % 3 === 0) row.dict = step % 6 === 0 ? { a: step, b: step * 2 } : { a: step }
    if (step === 5 || step === 50) row.img = { _type: 'image-file', path: `media/${step}.png` }
    if (step % 11 === 0) row.note = `note ${step}`
    if (step % 4 === 1) row.flag = step % 8 === 1
    if (step === 33) row.series = [1, 2, NaN]
    rows.push(row)
  }
  return rows
}

/** How {@linkcode exportLayout} splits a run's rows. */
export interface ExportLayout {
  /** Rows exported to Parquet (the first ones); the rest are live. @default all rows */
  exported?: number
  /** Export files the exported rows are split into (evenly, the last may be shorter). @default 1 */
  files?: number
  /** Rows per row group. @default 8 */
  rowGroupRows?: number
}

/** The run-seed fields that serve `rows` with the first `exported` in `files` export files. */
export function exportLayout(
  rows: Row[],
  layout: ExportLayout = {},
): ExportSettings & { history: Row[] } {
  const exported = Math.min(rows.length, layout.exported ?? rows.length)
  const files = layout.files ?? 1
  if (!(Number.isInteger(files) && files >= 1)) {
    throw new RangeError(`exportLayout files must be a positive integer, got ${files}`)
  }
  return {
    history: rows,
    liveTail: rows.length - exported,
    parquetFileRows: Math.max(1, Math.ceil(exported / files)),
    parquetRowGroupRows: layout.rowGroupRows ?? 8,
  }
}
