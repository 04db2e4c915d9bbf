/**
 * The W&B-like limits a test server can impose, in one place: a request rate limit per API key
 * on the API origin, seeded lognormal latency per origin, and a bandwidth cap on the storage
 * origin. Off unless configured.
 *
 * @module
 */
import { BandwidthCap } from './bandwidth.ts'
import type { Origin } from './faults.ts'
import type { Reply, Shaping } from './http_reply.ts'
import { LatencyModel } from './latency.ts'
import { callerOf, rateLimitedReply, RateLimiter } from './rate_limit.ts'

/** Limits for {@linkcode ServerLimits}. */
export interface LimitOptions {
  /** API-origin requests per second per API key (429 with `Retry-After` beyond); @default none */
  rate?: number
  /** Requests a quiet key may send at once; @default max(1, rate) */
  burst?: number
  /** Median API-origin latency in ms (lognormal); @default 0 */
  latencyMs?: number
  /** Median storage-origin latency in ms; @default latencyMs */
  storageLatencyMs?: number
  /** Spread of the latency (standard deviation of its log); @default 0.5 */
  latencySigma?: number
  /** Storage-origin bytes per second, shared by all downloads; @default unlimited */
  storageBandwidth?: number
  /** Seed of the latency generators; @default 1 */
  seed?: number
  /** Clock in epoch ms for the rate limit and the bandwidth cap; @default Date.now */
  now?: () => number
}

/** The configured limits, applied request by request. */
export class ServerLimits {
  /** The rate limiter, when a rate is set (its counts: `allowed`, `refused`). */
  limiter?: RateLimiter
  /** The storage link, when a bandwidth is set. */
  readonly bandwidth?: BandwidthCap
  #latency: Partial<Record<Origin, LatencyModel>> = {}
  #now?: () => number

  /** Builds the limits; RangeError naming the value when one is impossible. */
  constructor(options: LimitOptions = {}) {
    this.#now = options.now
    if (options.rate !== undefined) this.setRate(options.rate, options.burst)
    if (options.storageBandwidth !== undefined) {
      this.bandwidth = new BandwidthCap({
        bytesPerSecond: options.storageBandwidth,
        now: options.now,
      })
    }
    const seed = options.seed ?? 1
    const api = options.latencyMs ?? 0
    const files = options.storageLatencyMs ?? api
    const sigma = options.latencySigma
    if (api > 0) this.#latency.api = new LatencyModel({ medianMs: api, sigma, seed })
    if (files > 0) {
      this.#latency.files = new LatencyModel({ medianMs: files, sigma, seed: seed + 1 })
    }
  }

  /** Replaces the rate limit (every key starts with a full bucket), or removes it (undefined). */
  setRate(rate: number | undefined, burst?: number): void {
    this.limiter = rate === undefined ? undefined : new RateLimiter({ rate, burst, now: this.#now })
  }

  /** The 429 reply when the caller is over its rate, else undefined (API origin only). */
  admit(
    origin: Origin,
    authorization: string | undefined,
    address: string | undefined,
  ): Reply | undefined {
    if (origin !== 'api' || !this.limiter) return undefined
    const result = this.limiter.take(callerOf(authorization, address))
    return result.ok ? undefined : rateLimitedReply(result)
  }

  /** The delay and link for one reply of an origin. */
  shaping(origin: Origin): Shaping {
    return {
      delayMs: this.#latency[origin]?.next() ?? 0,
      bandwidth: origin === 'files' ? this.bandwidth : undefined,
    }
  }
}
