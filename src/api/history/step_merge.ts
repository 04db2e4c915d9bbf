/**
 * Merges several step-ordered row sources into one step-ordered sequence with one row per step.
 *
 * This is where the Parquet exports and the live tail meet. Each source promises a lower bound
 * for the steps it may still produce (`nextStep`); rows below the smallest promise of all
 * sources are final and can be emitted. A step that arrives from more than one source (the seam
 * step, or overlapping export files) is merged into one row, later sources' values winning, so
 * it is neither duplicated nor dropped.
 *
 * @module
 */
import type { Row } from '../../row.ts'
import { sortByStep } from './history_row.ts'
import type { HistorySlice } from './history_slice.ts'

/** A pull-based source of rows in `_step` order. */
export interface StepSource {
  /** No row this source has not yet returned has a smaller step; `Infinity` once it is done. */
  readonly nextStep: number
  /** Reads the next batch, rows with integer `_step` ≥ the `nextStep` before the call. */
  read(): Promise<Row[]>
  /**
   * Reads the next batch as columns when its steps are integers in `(after, before)`, strictly
   * increasing; else reads nothing and returns undefined. Absent: rows only.
   */
  readSlice?(after: number, before: number): Promise<HistorySlice | undefined>
}

/** Counts kept while merging. */
export interface MergeCounts {
  /** Rows read from each source, by position in the source list. */
  rowsBySource: number[]
  /** Rows folded into a row with the same step (seam steps, overlapping exports). */
  mergedDuplicates: number
}

/** Merges step-ordered sources; `next()` returns the next non-empty batch, or null at the end. */
export class StepMerger {
  #sources: StepSource[]
  #buffers: Row[][]
  #lastStep = -Infinity
  /** Counts so far. */
  readonly counts: MergeCounts

  /** Merges `sources`; on equal steps the later source's values win. */
  constructor(sources: StepSource[]) {
    this.#sources = sources
    this.#buffers = sources.map(() => [])
    this.counts = { rowsBySource: sources.map(() => 0), mergedDuplicates: 0 }
  }

  /** The largest step emitted so far (`-Infinity` before the first row). */
  get lastStep(): number {
    return this.#lastStep
  }

  /** Returns the next batch of final rows, reading sources only as far as needed; null when all are drained. */
  async next(): Promise<Row[] | null> {
    for (;;) {
      const { lowest, bound } = this.#promises()
      const out = this.#take(bound)
      if (out.length > 0) return out
      if (lowest < 0) return null
      const rows = await this.#sources[lowest].read()
      this.counts.rowsBySource[lowest] += rows.length
      if (rows.length > 0) this.#append(lowest, rows)
    }
  }

  /**
   * The next batch as columns, when it needs no merging: nothing is buffered, and the source with
   * the smallest `nextStep` can hand its next slice over whole, every step in it below every other
   * source's `nextStep`. Otherwise undefined, with nothing read; `next()` then reads rows.
   */
  async nextSlice(): Promise<HistorySlice | undefined> {
    for (const buffer of this.#buffers) if (buffer.length > 0) return undefined
    const { lowest, others } = this.#promises()
    const source = this.#sources[lowest]
    if (!source?.readSlice) return undefined
    const slice = await source.readSlice(this.#lastStep, others)
    if (!slice) return undefined
    this.counts.rowsBySource[lowest] += slice.length
    this.#lastStep = slice.lastStep
    return slice
  }

  /**
   * The sources' promises: the source with the smallest `nextStep` (-1 when all are done), that
   * step (`bound`), and the smallest `nextStep` of every other source (`others`).
   */
  #promises(): { lowest: number; bound: number; others: number } {
    let bound = Infinity
    let others = Infinity
    let lowest = -1
    for (let i = 0; i < this.#sources.length; i++) {
      const next = this.#sources[i].nextStep
      if (next < bound) {
        others = bound
        bound = next
        lowest = i
      } else if (next < others) others = next
    }
    return { lowest, bound, others }
  }

  /** Adds a batch to a source's buffer, keeping the buffer in step order. */
  #append(index: number, rows: Row[]): void {
    const buffer = this.#buffers[index]
    sortByStep(rows)
    const sorted = buffer.length === 0 ||
      (rows[0]._step as number) >= (buffer[buffer.length - 1]._step as number)
    for (const row of rows) buffer.push(row)
    if (!sorted) sortByStep(buffer)
  }

  /** Removes and returns, in step order, every buffered row with step < bound, one row per step. */
  #take(bound: number): Row[] {
    const out: Row[] = []
    const heads = this.#buffers.map(() => 0)
    for (;;) {
      let step = Infinity
      for (let i = 0; i < this.#buffers.length; i++) {
        const row = this.#buffers[i][heads[i]]
        if (row && (row._step as number) < step) step = row._step as number
      }
      if (step >= bound) break
      let merged: Row | undefined
      for (let i = 0; i < this.#buffers.length; i++) {
        const buffer = this.#buffers[i]
        while (heads[i] < buffer.length && buffer[heads[i]]._step === step) {
          const row = buffer[heads[i]++]
          if (merged) {
            Object.assign(merged, row)
            this.counts.mergedDuplicates++
          } else merged = row
        }
      }
      if (!merged) break
      if (step <= this.#lastStep) {
        // A source broke its promise and sent an already-emitted step again: fold it away.
        this.counts.mergedDuplicates++
        continue
      }
      this.#lastStep = step
      out.push(merged)
    }
    for (let i = 0; i < this.#buffers.length; i++) {
      if (heads[i] > 0) this.#buffers[i] = this.#buffers[i].slice(heads[i])
    }
    return out
  }
}
