/**
 * The request rate a bulk export learns from 429s, for the governor to pace request starts by.
 * A 429 from a token bucket (W&B's limit) means requests started faster than it refills; and
 * since each 429 holds every request for the whole `Retry-After` (whole seconds), finding the
 * rate by running into the limit over and over wastes most of it. So:
 *
 * - **Decrease**: on a 429, the cap becomes `DECREASE` × the start rate measured since the last
 *   pause ended (at most the last second, from the first start in it), or of the cap itself when
 *   that is lower.
 * - **Increase**: each healthy answer while the cap binds (it held a request back in the last
 *   second and requests started at 80% of it or more) adds `INCREASE` requests/s (about +10%
 *   per second at the capped rate) up to `NEAR` × the rate the last 429 met under the cap, then ten
 *   times less: the cap returns quickly to just below the limit, stays there, and probes past it
 *   (and finds a limit that rose) only slowly; a cap that holds nothing back stays.
 *
 * @module
 */

/** Share of the measured rate a 429 leaves. */
export const DECREASE = 0.7

/** Requests/s added per healthy answer while the cap binds. */
export const INCREASE = 0.1

/** Share of the rate seen at the last 429 above which the cap grows ten times slower. */
export const NEAR = 0.95

/** The lowest cap, in requests/s. */
export const MIN_RATE = 0.5

/** A learned cap on request starts per second. */
export class RateCap {
  /** Requests/s, or undefined before the first 429. */
  value: number | undefined
  /** The start rate measured at the last 429: where the limit was met. */
  limitSeen: number | undefined
  #heldAt = -Infinity

  /** Learns from a 429 at `now`: `starts` are recent start times, `since` when measuring begins. */
  throttled(now: number, starts: readonly number[], since: number): void {
    const from = Math.max(since, now - 1000)
    let n = 0
    let first = now
    for (const t of starts) {
      if (t <= from) continue
      n++
      first = Math.min(first, t)
    }
    // Over the time requests were actually starting (a burst after a quiet spell is a rate too).
    const measured = (n * 1000) / Math.max(100, now - first)
    // Under pacing the rate at a 429 is where the limit is; the first 429 ends an unpaced burst.
    if (this.value !== undefined) this.limitSeen = measured
    this.value = Math.max(MIN_RATE, DECREASE * Math.min(measured, this.value ?? Infinity))
  }

  /**
   * Learns from a healthy answer (callers skip this right after a failure): `rate` is the
   * requests started in the last second.
   */
  healthy(now: number, rate: number): void {
    if (!this.binding(now, rate)) return
    const near = this.limitSeen !== undefined && this.value! >= NEAR * this.limitSeen
    this.value! += near ? INCREASE / 10 : INCREASE
  }

  /** Whether the cap binds: it held a request back in the last second, at 90% of it or more. */
  binding(now: number, rate: number): boolean {
    return this.value !== undefined && now - this.#heldAt < 1000 && rate >= 0.8 * this.value
  }

  /** Notes that the cap held a request back at `now`. */
  held(now: number): void {
    this.#heldAt = now
  }
}
