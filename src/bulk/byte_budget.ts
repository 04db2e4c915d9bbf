/**
 * One byte budget for a whole bulk export: each run reserves what its buffers and the bodies it
 * reads in flight may hold (`run_memory.ts`) before it reads anything, and frees it when done.
 * Reservations are granted first come, first served while they fit; a run that does not fit
 * waits. A run needing more than the whole budget gets the whole budget once nothing else holds
 * any (it then streams in bounded row groups alone), so no run waits forever and the bytes
 * reserved never exceed the budget. Every run reserves once and holds no reservation while it
 * waits, so waiting cannot deadlock.
 *
 * @module
 */

import { AbortableQueue } from './abortable_queue.ts'

/** A waiting reservation. */
interface BudgetWaiter {
  bytes: number
  resolve: (release: () => void) => void
}

/** Bytes shared by every run of an export, with a recorded high-water mark. */
export class ByteBudget {
  /** The budget in bytes. */
  readonly total: number
  /** Most bytes ever reserved at once. */
  highWater = 0
  /** Reservations that had to wait. */
  waits = 0
  #reserved = 0
  #waiters = new AbortableQueue<BudgetWaiter>()

  /** Creates a budget of `total` bytes; throws a RangeError unless it is a positive integer. */
  constructor(total: number) {
    if (!Number.isSafeInteger(total) || total < 1) {
      throw new RangeError(
        `Cannot limit an export's memory to ${total} bytes: use a positive integer`,
      )
    }
    this.total = total
  }

  /** Bytes reserved now. */
  get reserved(): number {
    return this.#reserved
  }

  /**
   * Waits until `bytes` (at most the whole budget) fit, reserves them and resolves to the
   * function that frees them (calling it again does nothing).
   */
  reserve(bytes: number, signal?: AbortSignal): Promise<() => void> {
    if (!Number.isFinite(bytes) || bytes < 0) {
      return Promise.reject(new RangeError(`Cannot reserve ${bytes} bytes: use 0 or more`))
    }
    const want = Math.min(this.total, Math.ceil(bytes))
    return new Promise<() => void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      this.#waiters.push({ bytes: want, resolve }, signal, (reason) => {
        reject(reason)
        this.#grant() // the next one may fit now that this one no longer blocks the queue
      })
      if (this.#waiters.length > 1 || this.#reserved + want > this.total) this.waits++
      this.#grant()
    })
  }

  /** Grants waiting reservations in order while the first one fits. */
  #grant(): void {
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters.peek()!
      if (this.#reserved + waiter.bytes > this.total) return
      this.#waiters.shift()
      this.#reserved += waiter.bytes
      this.highWater = Math.max(this.highWater, this.#reserved)
      let freed = false
      waiter.resolve(() => {
        if (freed) return
        freed = true
        this.#reserved -= waiter.bytes
        this.#grant()
      })
    }
  }
}
