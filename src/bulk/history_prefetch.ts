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

/** Starts history requests ahead of the runs the pool starts, in the same order. */
export class HistoryPrefetch {
  readonly #handles: readonly BulkRunHandle[]
  readonly #ahead: number
  readonly #waiting = new Set<string>()
  readonly #taken = new Set<string>()
  #next = 0
  #wake: (() => void) | undefined
  #stopped = false

  /** Prefetches for `handles` (those whose opened run has `prefetchHistory`), at most `ahead` not yet taken. */
  constructor(handles: readonly BulkRunHandle[], ahead: number) {
    if (!Number.isInteger(ahead) || ahead < 1) {
      throw new RangeError(`Cannot prefetch ${ahead} runs ahead: use a whole number >= 1`)
    }
    this.#handles = handles
    this.#ahead = ahead
  }

  /** Runs asked for and not yet taken. */
  get waiting(): number {
    return this.#waiting.size
  }

  /** Asks for the runs in order until all are asked for, taken, or {@linkcode stop} is called. */
  async run(signal: AbortSignal): Promise<void> {
    while (!this.#stopped && !signal.aborted && this.#next < this.#handles.length) {
      if (this.#waiting.size >= this.#ahead) {
        await new Promise<void>((resolve) => (this.#wake = resolve))
        continue
      }
      const handle = this.#handles[this.#next++]
      if (this.#taken.has(handle.id)) continue
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
