/**
 * Slots whose number follows a moving limit: the runs of a bulk export in flight at once follow
 * the request governor's limit (`governor.runs`). Waiters are served first come, first served;
 * a limit that falls below the slots in use takes effect as they are freed.
 *
 * @module
 */

import { AbortableQueue } from './abortable_queue.ts'

/** A waiting acquirer: what hands it its slot. */
type SlotWaiter = (release: () => void) => void

/** Slots limited by a function read each time one could be handed out. */
export class RunSlots {
  /** Most slots ever in use at once. */
  peak = 0
  readonly #limit: () => number
  #inUse = 0
  #waiters = new AbortableQueue<SlotWaiter>()

  /** Creates the slots; `limit` is read whenever a slot could be handed out (at least 1 counts). */
  constructor(limit: () => number) {
    this.#limit = limit
  }

  /** Slots in use. */
  get inUse(): number {
    return this.#inUse
  }

  /** Acquirers waiting for a slot. */
  get waiting(): number {
    return this.#waiters.length
  }

  /** Waits for a free slot; the returned function frees it (calling it again does nothing). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise<() => void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      this.#waiters.push(resolve, signal, reject)
      this.wake()
    })
  }

  /** Hands free slots to waiters (call it when the limit may have grown). */
  wake(): void {
    const limit = Math.max(1, Math.floor(this.#limit()))
    while (this.#waiters.length > 0 && this.#inUse < limit) {
      const resolve = this.#waiters.shift()!
      this.#inUse++
      this.peak = Math.max(this.peak, this.#inUse)
      let freed = false
      resolve(() => {
        if (freed) return
        freed = true
        this.#inUse--
        this.wake()
      })
    }
  }
}
