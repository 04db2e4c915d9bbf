/**
 * Rows handed to an exporter as the columns they were decoded into, not as row objects: the
 * bulk export's path from a Parquet history export to a Parquet part (`parquet_group.ts`
 * `appendColumns`). The caller has checked the batch against the file's declared columns.
 *
 * @module
 */

/**
 * Rows `[start, start + length)` of decoded columns: the cell of column `names[c]` in row `r` is
 * `data[c][start + r]` (null or undefined: no value). Names are flat column names; values are
 * numbers, bigints, booleans or strings.
 */
export class ColumnBatch {
  /** Column names. */
  readonly names: readonly string[]
  /** Each column's cells. */
  readonly data: readonly ArrayLike<unknown>[]
  /** Index of the batch's first row in each column. */
  readonly start: number
  /** Rows in the batch. */
  readonly length: number

  /** Wraps rows `[start, start + length)` of `data`. */
  constructor(
    names: readonly string[],
    data: readonly ArrayLike<unknown>[],
    start: number,
    length: number,
  ) {
    if (names.length !== data.length) {
      throw new RangeError(
        `Cannot make a column batch: ${names.length} column names but ${data.length} columns`,
      )
    }
    this.names = names
    this.data = data
    this.start = start
    this.length = length
  }
}
