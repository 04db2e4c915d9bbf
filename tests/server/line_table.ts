/**
 * A history table that grows by numbered lines, the way the file-stream endpoint receives
 * `wandb-history.jsonl` and `wandb-events.jsonl`: each line has an offset, a retried request
 * rewrites the same lines, and new lines append.
 *
 * @module
 */
import type { Row } from '../../src/row.ts'
import type { HistoryTable } from './history_table.ts'

/** Rows addressed by line number; a row without an integer `_step` takes its line number. */
export class LineTable implements HistoryTable {
  #rows: Row[] = []
  #steps: number[] = []

  /** Starts from the rows of an existing table (a run that already had history). */
  constructor(from?: HistoryTable) {
    if (!from) return
    for (let i = 0; i < from.rowCount; i++) this.setLine(i, from.rowAt(i))
  }

  /** Number of rows. */
  get rowCount(): number {
    return this.#rows.length
  }

  /** The step of the row at `index`. */
  stepAt(index: number): number {
    return this.#steps[index]
  }

  /** A shallow copy of the row at `index`. */
  rowAt(index: number): Row {
    return { ...this.#rows[index] }
  }

  /**
   * Writes the row of line `offset`: rewrites an existing line or appends the next one; returns
   * false (and stores nothing) when the offset would leave a gap.
   */
  setLine(offset: number, row: Row): boolean {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.#rows.length) return false
    const s = row._step
    this.#rows[offset] = row
    this.#steps[offset] = typeof s === 'number' && Number.isInteger(s) ? s : offset
    return true
  }
}
