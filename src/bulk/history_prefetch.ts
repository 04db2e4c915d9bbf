/**
 * Asking for runs' history exports ahead of their export: a remote run's one rate-limited request
 * (`RunParquetHistory`) is sent for the next runs in line while the runs in flight download,
 * decode and write, so a binding rate limit keeps being used when every run slot is busy with a
 * big run. At most `ahead` runs are asked for and not yet started; a run the pool reaches first
 * is not asked for here. The answers are signed URLs, used seconds later, well within their life.
 * It holds the listed handles, not opened runs, and opens each at its turn: a remote run opened is
 * several times the size of its listing entry, so holding thousands opened would cost memory.
 *
 * @module
 */
import type { BulkRunHandle } from './bulk_source.ts'

/** Options of {@linkcode HistoryPrefetch}. */
export interface HistoryPrefetchOptions {
  /** Whether `handles` still grows: then the prefetch waits for {@linkcode HistoryPrefetch.listed}. @default false */
  growing?: boolean
  /** Whether a run's history is to be asked for at all (its export reads history). @default every run */
  wanted?: (handle: BulkRunHandle) => boolean
}

/** Starts history requests ahead of the runs the pool starts, in the same order. */
export class HistoryPrefetch {
  readonly #handles: readonly BulkRunHandle[]
  readonly #ahead: number
  readonly #wanted: ((handle: BulkRunHandle) => boolean) | undefined
  #listed: boolean
  readonly #waiting = new Set<string>()
  readonly #taken = new Set<string>()
  #next = 0
  #wake: (() => void) | undefined
  #stopped = false

  /**
   * Prefetches for `handles` (those whose opened run has `prefetchHistory`), at most `ahead` not
   * yet taken. A growing `handles` (a listing still arriving) is read on to its end.
   */
  constructor(
    handles: readonly BulkRunHandle[],
    ahead: number,
    options: HistoryPrefetchOptions = {},
  ) {
    if (!Number.isInteger(ahead) || ahead < 1) {
      throw new RangeError(`Cannot prefetch ${ahead} runs ahead: use a whole number >= 1`)
    }
    this.#handles = handles
    this.#ahead = ahead
    this.#wanted = options.wanted
    this.#listed = !options.growing
  }

  /** Runs asked for and not yet taken. */
  get waiting(): number {
    return this.#waiting.size
  }

  /** Asks for the runs in order until all are asked for, taken, or {@linkcode stop} is called. */
  async run(signal: AbortSignal): Promise<void> {
    while (!this.#stopped && !signal.aborted) {
      const caughtUp = this.#next >= this.#handles.length
      if (caughtUp && this.#listed) return
      if (caughtUp || this.#waiting.size >= this.#ahead) {
        await new Promise<void>((resolve) => (this.#wake = resolve))
        continue
      }
      const handle = this.#handles[this.#next++]
      if (this.#taken.has(handle.id) || this.#wanted?.(handle) === false) continue
      const run = await handle.open(signal).catch(() => undefined) // the pool reports a failed open
      if (!run?.prefetchHistory || this.#taken.has(handle.id) || this.#stopped) continue
      run.prefetchHistory(signal)
      this.#waiting.add(handle.id)
    }
  }

  /** The pool started (or gave up on) run `id`: it is no longer waiting. */
  taken(id: string): void {
    this.#taken.add(id)
    if (this.#waiting.delete(id)) this.#poke()
  }

  /** More runs were listed; with `ended`, the listing is complete. */
  listed(ended = false): void {
    if (ended) this.#listed = true
    this.#poke()
  }

  /** Ends {@linkcode run}. */
  stop(): void {
    this.#stopped = true
    this.#poke()
  }

  /** Wakes the loop. */
  #poke(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }
}
