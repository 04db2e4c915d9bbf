/**
 * How late the event loop runs a timer: a bulk export whose main thread is saturated (decoding,
 * writing) gains nothing from more runs in flight, only memory, so the governor stops raising
 * its limit while the loop is late. A timer every `intervalMs` measures its own delay; the
 * mean over the last `windowMs` is the lag.
 *
 * @module
 */

/** Options of {@linkcode LoopLag}. */
export interface LoopLagOptions {
  /** Timer interval, in ms. @default 50 */
  intervalMs?: number
  /** Span the mean delay is taken over, in ms. @default 1000 */
  windowMs?: number
  /** Mean delay above which the loop counts as saturated, in ms. @default 20 */
  busyMs?: number
  /** Clock in ms. @default performance.now */
  now?: () => number
}

/** A running measure of the event loop's lag; it does not keep the process alive. */
export class LoopLag {
  readonly #interval: number
  readonly #window: number
  readonly #busy: number
  readonly #now: () => number
  /** Recent [time, delay] samples, oldest first. */
  #samples: [number, number][] = []
  #timer: ReturnType<typeof setInterval> | undefined
  #last = 0

  /** Creates the measure (stopped); throws a RangeError for a non-positive interval or window. */
  constructor(options: LoopLagOptions = {}) {
    this.#interval = options.intervalMs ?? 50
    this.#window = options.windowMs ?? 1000
    this.#busy = options.busyMs ?? 20
    this.#now = options.now ?? (() => performance.now())
    if (!(this.#interval > 0) || !(this.#window > 0)) {
      throw new RangeError(
        `Cannot measure loop lag every ${this.#interval} ms over ${this.#window} ms: use positive numbers`,
      )
    }
  }

  /** Starts the timer. */
  start(): void {
    if (this.#timer !== undefined) return
    this.#last = this.#now()
    this.#timer = setInterval(() => this.tick(), this.#interval) // deno-lint-ignore no-explicit-any
    ;(this.#timer as any).unref?.()
  }

  /** Stops the timer. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Records one timer run (the timer calls it; tests call it with a fake clock). */
  tick(): void {
    const now = this.#now()
    this.#samples.push([now, Math.max(0, now - this.#last - this.#interval)])
    this.#last = now
    const cutoff = now - this.#window
    let drop = 0
    while (drop < this.#samples.length && this.#samples[drop][0] < cutoff) drop++
    if (drop > 0) this.#samples.splice(0, drop)
  }

  /** Mean timer delay over the window, in ms (0 before any sample). */
  get lagMs(): number {
    if (this.#samples.length === 0) return 0
    let sum = 0
    for (const [, delay] of this.#samples) sum += delay
    return sum / this.#samples.length
  }

  /** Whether the loop is saturated: its mean delay is above `busyMs`. */
  busy(): boolean {
    return this.lagMs > this.#busy
  }
}
