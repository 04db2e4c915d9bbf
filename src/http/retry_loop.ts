/**
 * The one retry loop: the retrying fetch, signed-URL reads, file downloads, uploads and the bulk
 * work pool each describe their attempts, waits and limits with it, and it runs them. Their HTTP
 * options share one vocabulary (`RetryOptions` in `retry_options.ts`); `exportProject`'s
 * `attempts`/`retryDelayMs` count whole runs, not requests, and keep their names.
 *
 * @module
 */
import { sleep } from './retry_policy.ts'

/** What one attempt gave: a value, or a failure the loop may retry. */
export type AttemptResult<T, F> = { ok: true; value: T } | { ok: false; failure: F }

/** How a loop retries: how often, how long it waits, when it stops early and how it gives up. */
export interface RetryLoop<T, F> {
  /** Attempts after the first (so at most `retries + 1` attempts). */
  retries: number
  /** The wait in ms after failed attempt `attempt` (from 1) before the next one. */
  delayMs(failure: F, attempt: number): number
  /**
   * Whether to give up before the retries run out (a failure no retry can fix, a spent time
   * budget), given the wait a retry would take; throwing ends the loop with that error.
   * @default never
   */
  stop?(failure: F, attempt: number, delayMs: number): boolean
  /** Ends the loop once it gives up: returns its result or throws. */
  giveUp(failure: F, attempt: number): T | Promise<T>
  /** Called before each wait (the CLI announces retries with it). */
  onRetry?(failure: F, attempt: number, delayMs: number): void
  /** Cancels the wait between attempts with the signal's reason. */
  signal?: AbortSignal
}

/** Runs `attempt` (numbered from 1) until it succeeds or `loop` gives up; see {@link RetryLoop}. */
export async function retryLoop<T, F>(
  attempt: (attempt: number) => Promise<AttemptResult<T, F>>,
  loop: RetryLoop<T, F>,
): Promise<T> {
  for (let n = 1;; n++) {
    const result = await attempt(n)
    if (result.ok) return result.value
    const { failure } = result
    if (n > loop.retries) return await loop.giveUp(failure, n)
    const delay = loop.delayMs(failure, n)
    if (loop.stop?.(failure, n, delay)) return await loop.giveUp(failure, n)
    loop.onRetry?.(failure, n, delay)
    await sleep(delay, loop.signal)
  }
}
