/**
 * How failed W&B requests are retried: which statuses, how long to wait, when to give up.
 *
 * @module
 */

/** Retry and timeout settings for one logical request. */
export interface RetryPolicy {
  /** Retries after the first attempt (so at most `retries + 1` attempts). @default 20 */
  retries: number
  /** Base of the exponential backoff, in ms. @default 2000 */
  waitMinMs: number
  /** Cap of one backoff wait, in ms. @default 60000 */
  waitMaxMs: number
  /** Give up when the next wait would end later than this many ms after the first attempt. @default 300000 */
  maxElapsedMs: number
  /** Timeout of one attempt (until the whole body arrived for GraphQL), in ms. @default 30000 */
  timeoutMs: number
}

/** The W&B defaults: wandb-core's 20 retries, 2–60 s waits, 30 s per attempt; plus a 5 min budget. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries: 20,
  waitMinMs: 2_000,
  waitMaxMs: 60_000,
  maxElapsedMs: 300_000,
  timeoutMs: 30_000,
})

/** Whether a response status is worth retrying: 408, 429 and every 5xx except 501. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501)
}

/** Exponential backoff with full jitter: uniform in `[0, min(waitMax, waitMin · 2^attempt))`. */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'waitMinMs' | 'waitMaxMs'>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.waitMaxMs, policy.waitMinMs * 2 ** Math.min(attempt, 30))
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
