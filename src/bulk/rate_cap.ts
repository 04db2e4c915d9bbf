/**
 * The request rate a bulk export learns from 429s, for the governor to pace request starts by.
 * A 429 from a token bucket (W&B's limit) means requests started faster than it refills; and
 * since each 429 holds every request for the whole `Retry-After` (whole seconds), finding the
 * rate by running into the limit over and over wastes most of it. So:
 *
 * - **Decrease**: on a 429, the cap becomes `DECREASE` × the start rate measured since the last
 *   pause ended (at most the last second, from the first start in it), or of the cap itself when
 *   that is lower.
 * - **The rate between two 429s**: a token bucket is empty at each 429, so the requests it let
 *   through between two of them (at least `MIN_WINDOW_MS` apart) are what it refilled in that
 *   time: its sustained rate, whatever its burst (a lower one when the client left the bucket
 *   full for a while, so it only ever raises the cap). The cap then starts again from `NEAR` ×
 *   that rate unless the decrease left it higher, and takes it (or the cap, if higher) as the
 *   limit seen. The rate of the last second alone overshoots it (a refilled bucket lets a burst
 *   through), so the cap kept climbing back past the limit.
 * - **Increase**: each healthy answer while the cap binds (it held a request back in the last
 *   second and requests started at 80% of it or more) adds `INCREASE` requests/s (about +10%
 *   per second at the capped rate) up to `NEAR` × the rate the last 429 met under the cap, then ten
 *   times less: the cap returns quickly to just below the limit, stays there, and probes past it
 *   (and finds a limit that rose) only slowly; a cap that holds nothing back stays.
 * - **Forget**: a cap that met no 429 for `FORGET_MS` is dropped, and the next 429 teaches a new
 *   one. Under a token bucket the slow probe meets the limit sooner than that (every 15–25 s in
 *   `bench/moonshot.bench.ts`); 429s that were not a rate limit's (a server shedding load for a
 *   few seconds) can leave a cap far below what the server takes, and a tenth of a step near the
 *   rate they met would keep the rest of the export there.
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

/** Time without a 429 after which the cap is dropped, in ms. */
export const FORGET_MS = 30_000

/** Least time between two 429s for the requests allowed between them to measure the rate, in ms. */
export const MIN_WINDOW_MS = 2000

/** A learned cap on request starts per second. */
export class RateCap {
  /** Requests/s, or undefined before the first 429. */
  value: number | undefined
  /** The start rate measured at the last 429: where the limit was met. */
  limitSeen: number | undefined
  #heldAt = -Infinity
  #throttledAt = -Infinity

  /**
   * Learns from a 429 at `now`: `starts` are recent start times, `since` when measuring begins,
   * `allowed` the requests let through since the previous 429 `windowMs` before (if any).
   */
  throttled(
    now: number,
    starts: readonly number[],
    since: number,
    allowed?: { requests: number; windowMs: number },
  ): void {
    this.#throttledAt = now
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
    if (allowed !== undefined && allowed.windowMs >= MIN_WINDOW_MS) {
      const sustained = (allowed.requests * 1000) / allowed.windowMs
      this.value = Math.max(this.value, NEAR * sustained)
      this.limitSeen = Math.max(sustained, this.value)
    }
  }

  /**
   * Learns from a healthy answer (callers skip this right after a failure): `rate` is the
   * requests started in the last second; drops the cap `FORGET_MS` after the last 429.
   */
  healthy(now: number, rate: number): void {
    if (this.value !== undefined && now - this.#throttledAt >= FORGET_MS) {
      this.value = this.limitSeen = undefined
      return
    }
    if (!this.binding(now, rate)) return
    const near = this.limitSeen !== undefined && this.value! >= NEAR * this.limitSeen
    this.value! += near ? INCREASE / 10 : INCREASE
  }

  /** Whether the cap binds: it held a request back in the last second, and starts reached 80% of it. */
  binding(now: number, rate: number): boolean {
    return this.value !== undefined && now - this.#heldAt < 1000 && rate >= 0.8 * this.value
  }

  /** Notes that the cap held a request back at `now`. */
  held(now: number): void {
    this.#heldAt = now
  }
}
