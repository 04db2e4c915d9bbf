/**
 * The memory of a decoded export row group's dense DOUBLE columns (`flat_doubles.ts`): one
 * Float64Array per column per group, 80 KB for a 10,000-row group. Left to the collector, the
 * runtime frees them with `free()`, and glibc (Deno, Node) keeps what small buffers free in its
 * arenas: a 5,000-run export at 50 requests/s peaked at 635 MB on Deno against 464 MB before the
 * columns were decoded this way (`bench/README.md`, "Decoded columns given back"). So they are
 * taken from a pool of their own, and a {@linkcode GroupLease} gives them back once every holder
 * of the group has let go: the step source slicing it, and each slice it handed out
 * (`HistorySlice.release`). A holder that never lets go costs only the reuse: the collector frees
 * the group as before. Letting go too early is the one mistake to avoid, since the next group
 * would be decoded into memory a slice still reads; `tests/bulk/history_slices_test.ts` exports
 * through parts that split slices with the pool's `perturb` on, and checks the values.
 *
 * @module
 */
import { BufferPool } from '../../export/buffer_pool.ts'

/** Most bytes of decoded columns kept for reuse on one thread: twenty 10,000-row groups of 20 columns. */
export const COLUMN_POOL_BYTES = 32 << 20

/** The decoder's pool on this thread. */
export const columnPool: BufferPool = new BufferPool({
  maxBytes: COLUMN_POOL_BYTES,
  sizeClasses: true,
})

/** `rows` float64 slots over pooled memory (the buffer may be longer), not zeroed. */
export function takeColumnFloats(rows: number): Float64Array {
  return new Float64Array(columnPool.take(rows * 8), 0, rows)
}

/** The holders of one decoded group's pooled buffers; the buffers go back when the last lets go. */
export class GroupLease {
  #buffers: ArrayBuffer[]
  #giveBack: (buffer: ArrayBuffer) => void
  #holders = 1

  /**
   * A lease on `buffers`, held once (by whoever decoded them); the last let-go hands each to
   * `giveBack` (a group decoded on a worker sends them back there, `group_decode_job.ts`).
   * @default giveBack to this thread's pool
   */
  constructor(buffers: ArrayBuffer[], giveBack?: (buffer: ArrayBuffer) => void) {
    this.#buffers = buffers
    this.#giveBack = giveBack ?? ((buffer) => columnPool.giveBack(buffer))
  }

  /** The buffers leased (none once given back). */
  get buffers(): readonly ArrayBuffer[] {
    return this.#buffers
  }

  /** Holders not yet let go. */
  get holders(): number {
    return this.#holders
  }

  /** Adds a holder: the group must not have been given back yet. */
  hold(): void {
    if (this.#holders <= 0) {
      throw new Error('Cannot hold a decoded row group that was already given back')
    }
    this.#holders++
  }

  /** Lets go once; the last let-go gives the buffers back to the pool. */
  letGo(): void {
    if (this.#holders <= 0) {
      throw new Error('Cannot let go of a decoded row group more often than it was held')
    }
    if (--this.#holders > 0) return
    for (const buffer of this.#buffers) this.#giveBack(buffer)
    this.#buffers = []
  }
}
