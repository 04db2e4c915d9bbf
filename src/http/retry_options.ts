/**
 * The one vocabulary for HTTP retries. Every options type that retries requests (`new Api()`,
 * `HttpGraphqlTransport`'s `policy`, signed export URLs' `exportFetch`, file downloads, uploads)
 * names its settings `retries`, `retryWaitMinMs`, `retryWaitMaxMs`, `maxRetryTimeMs` and
 * `timeoutMs`; the names they used before are still read, as deprecated aliases, by
 * {@linkcode normalizeRetryOptions}. See docs/network.md.
 *
 * @module
 */

/** HTTP retry settings; each options type documents its own defaults. */
export interface RetryOptions {
  /** Retries after the first attempt (so at most `retries + 1` attempts). */
  retries?: number
  /** Base of the exponential backoff: the first wait's scale, doubled on each retry, in ms. */
  retryWaitMinMs?: number
  /** Longest single wait between attempts, in ms. */
  retryWaitMaxMs?: number
  /** Total time one request may spend retrying, in ms: no retry starts later than this. */
  maxRetryTimeMs?: number
  /** Timeout of one attempt, in ms. */
  timeoutMs?: number
}

/** Names HTTP retry settings had before {@linkcode RetryOptions}; still read, the new name wins. */
export interface DeprecatedRetryOptions {
  /** @deprecated Use `retryWaitMinMs` (the old `RetryPolicy` name). */
  waitMinMs?: number
  /** @deprecated Use `retryWaitMaxMs` (the old `RetryPolicy` name). */
  waitMaxMs?: number
  /** @deprecated Use `maxRetryTimeMs` (the old `RetryPolicy` name). */
  maxElapsedMs?: number
  /** @deprecated Use `retryWaitMinMs` (the old `SignedFetchOptions` name). */
  retryDelayMs?: number
  /** @deprecated Use `retryWaitMaxMs` (the old `SignedFetchOptions` name). */
  maxRetryDelayMs?: number
  /** @deprecated Use `retries`, which is `attempts - 1` (the old `DownloadToFileOptions` name). */
  attempts?: number
}

/** Retry settings as a caller may spell them: the current names or the deprecated ones. */
export type RetryOptionsInput = RetryOptions & DeprecatedRetryOptions

/**
 * Reads retry settings in either spelling and returns them in the current one, leaving out what
 * was not given (so the result spreads over defaults); a current name wins over its alias.
 */
export function normalizeRetryOptions(options: RetryOptionsInput = {}): RetryOptions {
  const attempts = options.attempts
  const fromAttempts = attempts === undefined ? undefined : Math.max(0, attempts - 1)
  const picked: RetryOptions = {
    retries: options.retries ?? fromAttempts,
    retryWaitMinMs: options.retryWaitMinMs ?? options.waitMinMs ?? options.retryDelayMs,
    retryWaitMaxMs: options.retryWaitMaxMs ?? options.waitMaxMs ?? options.maxRetryDelayMs,
    maxRetryTimeMs: options.maxRetryTimeMs ?? options.maxElapsedMs,
    timeoutMs: options.timeoutMs,
  }
  const out: RetryOptions = {}
  for (const [key, value] of Object.entries(picked) as [keyof RetryOptions, number][]) {
    if (value !== undefined) out[key] = value
  }
  return out
}
