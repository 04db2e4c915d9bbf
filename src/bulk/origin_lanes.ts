/**
 * The request governor's lanes: one per origin (`https://api.wandb.ai`, a storage host, ...), each
 * with its own wait line, pause (`Retry-After`, `RateLimit-Reset`), pacing clock, recent start
 * times and learned rate cap (`rate_cap.ts`). A rate limit belongs to one service: a 429 from
 * the W&B API says nothing about a signed storage URL on another host, so it neither paces nor
 * holds requests there. The number of lanes is bounded (`MAX_LANES`): origins past it share one
 * overflow lane, so a server sending URLs on ever new hosts cannot make the governor grow.
 *
 * @module
 */
import { AbortableQueue } from './abortable_queue.ts'
import { RateCap } from './rate_cap.ts'

/** Most lanes of their own; later origins share one more (the overflow lane). */
export const MAX_LANES = 16

/**
 * Most request starts a paced lane may catch up at once after it fell behind its clock by more
 * than 100 ms (the event loop stalled, or nobody asked), when the server's token bucket refilled
 * meanwhile. 1: none, only the late timer's 100 ms. 5 was tried in the 500-run moonshot at 10/s
 * (bench/README.md, "Per-origin pacing") and showed no gain there, so it stays off.
 */
export const CATCH_UP_STARTS = 1

/** Key of the lane shared by every origin past `MAX_LANES`. */
export const OVERFLOW = '*'

/** A waiting request: its arrival number (first come, first served across lanes) and what starts it. */
export interface Waiter {
  seq: number
  start: () => void
}

/** The origin of a fetch input (`Request`, `URL` or string), or `OVERFLOW` when it has none. */
export function originOf(input: RequestInfo | URL): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  try {
    const origin = new URL(url).origin
    return origin === 'null' ? OVERFLOW : origin
  } catch {
    return OVERFLOW
  }
}

/** One origin's wait line, pause, pacing and learned rate. */
export class Lane {
  /** The origin (or `OVERFLOW`). */
  readonly origin: string
  /** Requests waiting for this origin, in arrival order. */
  readonly waiters: AbortableQueue<Waiter> = new AbortableQueue<Waiter>()
  /** The rate learned from this origin's 429s. */
  readonly learned: RateCap = new RateCap()
  /** Epoch ms until which requests to this origin are held. */
  pausedUntil = 0
  /** Earliest start of the next paced request, epoch ms. */
  nextStart = 0
  /** When this origin last taught the rate cap (a 429), epoch ms. */
  lastThrottle = -Infinity
  /** Start times within the last second, oldest first. */
  readonly starts: number[] = []
  /** Requests started since the last 429 that taught the rate cap. */
  #started = 0
  /** 429s since then. */
  #rejected = 0

  /** A lane for `origin`. */
  constructor(origin: string) {
    this.origin = origin
  }

  /** Requests started in the second before `now`. */
  rate(now: number): number {
    this.#trim(now)
    return this.starts.length
  }

  /** When the first waiter may start given a cap of `rps` requests/s (Infinity: none), epoch ms. */
  readyAt(rps: number): number {
    return rps === Infinity ? this.pausedUntil : Math.max(this.pausedUntil, this.nextStart)
  }

  /** Counts a 429 from this origin (a request its limit did not let through). */
  rejected(): void {
    this.#rejected++
  }

  /**
   * Learns from a 429 at `now` (the governor calls this at most once per interval): the rate cap
   * learns, and since the server's bucket is empty the pacing clock catches nothing up.
   */
  throttled(now: number): void {
    const windowMs = now - this.lastThrottle
    const allowed = Number.isFinite(windowMs)
      ? { requests: Math.max(0, this.#started - this.#rejected), windowMs }
      : undefined
    this.learned.throttled(now, this.starts, this.pausedUntil, allowed)
    this.lastThrottle = now
    this.#started = 0
    this.#rejected = 0
    this.nextStart = Math.max(this.nextStart, now)
  }

  /** Records a start at `now`, moving the pacing clock on by one interval of `rps`. */
  started(now: number, rps: number): void {
    if (rps !== Infinity) {
      const interval = 1000 / rps
      // A late timer (within 100 ms) keeps the clock; a lane further behind (the event loop
      // stalled, or nobody asked) catches up at most CATCH_UP_STARTS starts; a fresh one none.
      const behind = now - this.nextStart
      const catchUp = Math.max(this.nextStart, now - (CATCH_UP_STARTS - 1) * interval)
      const base = behind <= 100 ? this.nextStart : this.nextStart === 0 ? now : catchUp
      this.nextStart = base + interval
    }
    this.starts.push(now)
    this.#started++
    this.#trim(now)
  }

  /** Drops start times older than a second. */
  #trim(now: number): void {
    const cutoff = now - 1000
    let drop = 0
    while (drop < this.starts.length && this.starts[drop] <= cutoff) drop++
    if (drop > 0) this.starts.splice(0, drop)
  }
}

/** The lanes by origin, at most `MAX_LANES` plus the overflow lane. */
export class OriginLanes {
  readonly #lanes = new Map<string, Lane>()

  /** The lane for `origin`, created on first use (the overflow lane once `MAX_LANES` exist). */
  for(origin: string): Lane {
    let lane = this.#lanes.get(origin)
    if (lane) return lane
    const own = this.#lanes.size - (this.#lanes.has(OVERFLOW) ? 1 : 0)
    const key = own < MAX_LANES || origin === OVERFLOW ? origin : OVERFLOW
    lane = this.#lanes.get(key)
    if (!lane) {
      lane = new Lane(key)
      this.#lanes.set(key, lane)
    }
    return lane
  }

  /** Every lane, in creation order. */
  all(): IterableIterator<Lane> {
    return this.#lanes.values()
  }

  /** Lanes in use. */
  get size(): number {
    return this.#lanes.size
  }
}
