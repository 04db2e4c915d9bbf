/**
 * A slice of a decoded export row group handed on without making row objects: the bulk export
 * writes its columns straight into a Parquet part (`ColumnBatch`), and anything else that needs
 * rows asks for them. A slice is only made where the rows are exactly what
 * {@linkcode rowsFromColumns} would give, in the same order: every row has an integer `_step`,
 * and the steps strictly increase (`ExportFileSource.readSlice`).
 *
 * @module
 */
import { ColumnBatch } from '../../export/column_batch.ts'
import type { Row } from '../../row.ts'
import { rowsFromColumns } from './history_row.ts'

/** Export rows as columns, with strictly increasing integer steps. */
export class HistorySlice extends ColumnBatch {
  /** The `_step` column (numbers or bigints). */
  readonly steps: ArrayLike<unknown>

  /** Wraps rows `[start, start + length)` of decoded columns whose `_step` column is `steps`. */
  constructor(
    names: readonly string[],
    data: readonly ArrayLike<unknown>[],
    steps: ArrayLike<unknown>,
    start: number,
    length: number,
  ) {
    super(names, data, start, length)
    this.steps = steps
  }

  /** The step of row `i` of the slice. */
  stepAt(i: number): number {
    return Number(this.steps[this.start + i])
  }

  /** The first row's step. */
  get firstStep(): number {
    return this.stepAt(0)
  }

  /** The last row's step. */
  get lastStep(): number {
    return this.stepAt(this.length - 1)
  }

  /** Rows `[from, to)` of the slice, as a slice. */
  slice(from: number, to = this.length): HistorySlice {
    const end = Math.min(to, this.length)
    return new HistorySlice(this.names, this.data, this.steps, this.start + from, end - from)
  }

  /** The slice's rows as row objects (as the export would have been read row by row). */
  rows(): Row[] {
    return rowsFromColumns(this.names, this.data, this.length, this.start)
  }

  /** Row `i` of the slice as a row object. */
  row(i: number): Row {
    return rowsFromColumns(this.names, this.data, 1, this.start + i)[0]
  }
}

/** A batch of history: row objects, or a slice of an export's columns. */
export type HistoryBatch = Row[] | HistorySlice
