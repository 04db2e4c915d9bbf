/**
 * How failed W&B requests are retried: which statuses, how long to wait, when to give up.
 *
 * @module
 */

import {
  normalizeRetryOptions,
  type RetryOptions,
  type RetryOptionsInput,
} from './retry_options.ts'

/**
 * Retry and timeout settings for one logical request, every field set (see
 * {@linkcode RetryOptions} for what each means; {@linkcode DEFAULT_RETRY_POLICY} for defaults).
 */
export type RetryPolicy = Required<RetryOptions>

/** The W&B defaults: wandb-core's 20 retries, 2–60 s waits, 30 s per attempt; plus a 5 min budget. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries: 20,
  retryWaitMinMs: 2_000,
  retryWaitMaxMs: 60_000,
  maxRetryTimeMs: 300_000,
  timeoutMs: 30_000,
})

/** A full policy from settings in either spelling (deprecated names too), unset fields from `defaults`. */
export function resolveRetryPolicy(
  options: RetryOptionsInput = {},
  defaults: Readonly<RetryPolicy> = DEFAULT_RETRY_POLICY,
): RetryPolicy {
  return { ...defaults, ...normalizeRetryOptions(options) }
}

/** Whether a response status is worth retrying: 408, 429 and every 5xx except 501. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501)
}

/** Exponential backoff with full jitter: uniform in `[0, min(waitMax, waitMin · 2^attempt))`. */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'retryWaitMinMs' | 'retryWaitMaxMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    policy.retryWaitMaxMs,
    policy.retryWaitMinMs * 2 ** Math.min(attempt, 30),
  )
  return Math.floor(random() * ceiling)
}

/**
 * Parses a `Retry-After` header (delay seconds or an HTTP date) into ms from `now`; undefined when
 * absent or unreadable. Never negative.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/** Waits `ms`, rejecting with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
