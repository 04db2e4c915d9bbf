/**
 * A first-come, first-served queue of waiters, each leaving it when its `AbortSignal` aborts
 * first: the one wait line behind the request governor, the run slots and the byte budget.
 *
 * @module
 */

/** One queued item with its abort wiring. */
interface Entry<T> {
  item: T
  signal?: AbortSignal
  onAbort?: () => void
}

/** Waiters in arrival order; an aborted one is removed and told why. */
export class AbortableQueue<T> {
  #entries: Entry<T>[] = []

  /** Items waiting. */
  get length(): number {
    return this.#entries.length
  }

  /** Queues `item`; if `signal` aborts while it waits, it leaves the queue and `onAbort` gets the reason. */
  push(item: T, signal: AbortSignal | undefined, onAbort: (reason: unknown) => void): void {
    const entry: Entry<T> = { item, signal }
    if (signal) {
      entry.onAbort = () => {
        this.#entries = this.#entries.filter((e) => e !== entry)
        onAbort(signal.reason)
      }
      signal.addEventListener('abort', entry.onAbort, { once: true })
    }
    this.#entries.push(entry)
  }

  /** The first item, left in the queue; undefined when empty. */
  peek(): T | undefined {
    return this.#entries[0]?.item
  }

  /** Takes the first item out (its signal no longer matters); undefined when empty. */
  shift(): T | undefined {
    const entry = this.#entries.shift()
    if (entry?.onAbort) entry.signal!.removeEventListener('abort', entry.onAbort)
    return entry?.item
  }
}
