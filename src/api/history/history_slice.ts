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
import type { GroupLease } from './decoded_columns.ts'

/** Export rows as columns, with strictly increasing integer steps. */
export class HistorySlice extends ColumnBatch {
  /** The `_step` column (numbers or bigints). */
  readonly steps: ArrayLike<unknown>
  /** The decoded group's lease this slice holds once, until {@linkcode release}. */
  #lease: GroupLease | undefined
  #released = false

  /**
   * Wraps rows `[start, start + length)` of decoded columns whose `_step` column is `steps`; with
   * `lease`, the slice holds the group once (the caller added the hold) until it is released.
   */
  constructor(
    names: readonly string[],
    data: readonly ArrayLike<unknown>[],
    steps: ArrayLike<unknown>,
    start: number,
    length: number,
    lease?: GroupLease,
  ) {
    super(names, data, start, length)
    this.steps = steps
    this.#lease = lease
  }

  /**
   * Lets go of the decoded group (once; later calls do nothing): its memory may then hold the next
   * group, so neither this slice nor anything read from its columns without copying may be used.
   */
  release(): void {
    const lease = this.#lease
    this.#lease = undefined
    this.#released = true
    lease?.letGo()
  }

  /** Fails when the slice was released (its columns may hold another group's values by now). */
  #check(action: string): void {
    if (this.#released) {
      throw new Error(
        `Cannot ${action} a history slice after its release: its memory may hold another row ` +
          'group now; copy the rows before releasing it',
      )
    }
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

  /** Rows `[from, to)` of the slice, as a slice holding the group too (release both). */
  slice(from: number, to = this.length): HistorySlice {
    this.#check('slice')
    const end = Math.min(to, this.length)
    this.#lease?.hold()
    return new HistorySlice(
      this.names,
      this.data,
      this.steps,
      this.start + from,
      end - from,
      this.#lease,
    )
  }

  /** The slice's rows as row objects (as the export would have been read row by row). */
  rows(): Row[] {
    this.#check('read the rows of')
    return rowsFromColumns(this.names, this.data, this.length, this.start)
  }

  /** Row `i` of the slice as a row object. */
  row(i: number): Row {
    this.#check('read a row of')
    return rowsFromColumns(this.names, this.data, 1, this.start + i)[0]
  }
}

/** A batch of history: row objects, or a slice of an export's columns. */
export type HistoryBatch = Row[] | HistorySlice
