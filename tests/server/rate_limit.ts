/**
 * A W&B-like request rate limit: one token bucket per API key (or per client address when no
 * key is sent), refilled at `rate` tokens a second up to `burst`. A request that finds the bucket
 * empty gets HTTP 429 with `Retry-After` (whole seconds until a token is back) and the
 * `RateLimit-Remaining`/`RateLimit-Reset` headers wandb-core parses
 * (`core/internal/api/ratelimitheaders.go`); refused requests take no token.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { jsonReply, type Reply } from './http_reply.ts'

/** Options for {@linkcode TokenBucket} and {@linkcode RateLimiter}. */
export interface RateLimitOptions {
  /** Sustained requests per second (tokens added per second). */
  rate: number
  /** Bucket size: requests allowed at once after a quiet spell; @default max(1, rate) */
  burst?: number
  /** Clock in epoch ms; @default Date.now */
  now?: () => number
}

/** The outcome of asking a bucket for one token. */
export interface TakeResult {
  /** Whether the request may proceed. */
  ok: boolean
  /** Whole tokens left after this request. */
  remaining: number
  /** Seconds until the next token (refused) or 0 (allowed). */
  retryAfterSeconds: number
  /** Seconds until the bucket is full again. */
  resetSeconds: number
}

/** A token bucket with an injectable clock. */
export class TokenBucket {
  readonly rate: number
  readonly burst: number
  #tokens: number
  #at: number
  #now: () => number

  /** Starts full. */
  constructor(options: RateLimitOptions) {
    if (!(options.rate > 0) || !Number.isFinite(options.rate)) {
      throw new RangeError(`Cannot create a rate limit of ${options.rate}/s: use a positive rate`)
    }
    this.rate = options.rate
    this.burst = options.burst ?? Math.max(1, options.rate)
    if (!(this.burst >= 1)) {
      throw new RangeError(`Cannot create a rate limit with burst ${this.burst}: use 1 or more`)
    }
    this.#now = options.now ?? Date.now
    this.#tokens = this.burst
    this.#at = this.#now()
  }

  /** Tokens available now (fractional). */
  tokens(): number {
    this.#refill()
    return this.#tokens
  }

  /** Takes one token if there is one. */
  take(): TakeResult {
    this.#refill()
    const ok = this.#tokens >= 1
    if (ok) this.#tokens -= 1
    const missing = ok ? 0 : 1 - this.#tokens
    return {
      ok,
      remaining: Math.floor(this.#tokens),
      retryAfterSeconds: missing / this.rate,
      resetSeconds: (this.burst - this.#tokens) / this.rate,
    }
  }

  /** Adds the tokens earned since the last call, capped at the burst. */
  #refill(): void {
    const now = this.#now()
    const elapsed = Math.max(0, now - this.#at) / 1000
    this.#at = Math.max(this.#at, now)
    this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.rate)
  }
}

/** One bucket per caller; counts what it allowed and refused. */
export class RateLimiter {
  readonly options: RateLimitOptions
  /** Requests allowed. */
  allowed = 0
  /** Requests refused with 429. */
  refused = 0
  #buckets = new Map<string, TokenBucket>()

  /** Creates a limiter; every caller gets its own full bucket on first sight. */
  constructor(options: RateLimitOptions) {
    new TokenBucket(options) // validates the numbers once, up front
    this.options = options
  }

  /** Takes a token from the caller's bucket. */
  take(caller: string): TakeResult {
    let bucket = this.#buckets.get(caller)
    if (!bucket) this.#buckets.set(caller, bucket = new TokenBucket(this.options))
    const result = bucket.take()
    if (result.ok) this.allowed++
    else this.refused++
    return result
  }
}

/** The caller a request is charged to: its API key (Basic auth password), else its address. */
export function callerOf(authorization: string | undefined, address: string | undefined): string {
  const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '')
  if (m) {
    const decoded = Buffer.from(m[1], 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon >= 0) return `key:${decoded.slice(colon + 1)}`
  }
  return `addr:${address ?? 'unknown'}`
}

/** The 429 answer: W&B-style JSON error, `Retry-After` in whole seconds (at least 1). */
export function rateLimitedReply(result: TakeResult): Reply {
  return jsonReply(429, { errors: [{ message: 'rate limit exceeded' }] }, {
    'retry-after': String(Math.max(1, Math.ceil(result.retryAfterSeconds))),
    ...rateLimitHeaders(result),
  })
}

/** `RateLimit-Remaining`/`RateLimit-Reset` (draft-polli-ratelimit-headers-02) for any answer. */
export function rateLimitHeaders(result: TakeResult): Record<string, string> {
  return {
    'ratelimit-remaining': String(result.remaining),
    'ratelimit-reset': String(Math.ceil(result.resetSeconds)),
  }
}
