/**
 * An async worker pool with bounded retries per item and a quarantine: an item that keeps
 * failing is set aside (reported through `onQuarantine`) and the others go on. Errors that no
 * retry can fix (a full disk, a rejected API key, an abort) stop the whole pool instead.
 *
 * @module
 */
import { UnsafePathError } from '../fs/safe_write.ts'
import { UnsafeNameError } from '../fs/safe_path.ts'
import { retryLoop } from '../http/retry_loop.ts'
import { linkedAbort } from '../linked_abort.ts'
import { WandbApiError } from '../api/wandb_api_error.ts'

/** Options of {@linkcode runPool}. */
export interface PoolOptions<T> {
  /** Most items processed at once (with `slots`, a ceiling). @default 8 */
  concurrency?: number
  /**
   * Where each item takes a slot before it starts (the governor's `runs`), so the number in
   * flight follows a moving limit up to `concurrency`. @default none: `concurrency` at once
   */
  slots?: { acquire(signal?: AbortSignal): Promise<() => void> }
  /** Attempts per item before it is quarantined. @default 3 */
  attempts?: number
  /** Wait before attempt n+1 (n from 1), in ms. @default 1000 · 2^(n-1), at most 30000 */
  retryDelayMs?: (attempt: number) => number
  /**
   * Longest time from an item's first failure to the start of its last attempt, in ms: a retry
   * that would start later is not made and the item is quarantined. @default Infinity
   */
  maxWaitPerItemMs?: number
  /** Stops taking items and aborts the workers' signal. */
  signal?: AbortSignal
  /** Called before an item is tried again. */
  onRetry?: (item: T, attempt: number, error: unknown) => void
  /** Called when an item has used its attempts (or failed for good); the pool goes on. */
  onQuarantine?: (item: T, attempts: number, error: unknown) => void | Promise<void>
}

/** What a pool run did. */
export interface PoolResult<T> {
  /** Items that finished. */
  done: number
  /** Items quarantined, with their last error. */
  quarantined: { item: T; attempts: number; error: unknown }[]
  /** Retries made over all items. */
  retries: number
}

/** Whether an error stops the whole export (no retry of any item can succeed). */
export function isFatal(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOSPC' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return true
  // A refused API key stops everything; storage refusing one signed URL is that run's failure.
  if (error instanceof WandbApiError && error.operation !== 'download') {
    return error.status === 401 || error.status === 403
  }
  return false
}

/**
 * Whether retrying an item cannot help (the run is gone, a link in the export folder is in the
 * way of its files, or its file names cannot be saved); it is quarantined at once.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof UnsafePathError || error instanceof UnsafeNameError) return true
  return error instanceof WandbApiError && error.code === 'not-found'
}

/**
 * Runs `worker` over every item with at most `concurrency` in flight. A failing item is retried
 * up to `attempts` times, then quarantined. A fatal error (an async source of items that fails
 * included) or an abort rejects once the workers in flight have stopped.
 */
export async function runPool<T>(
  items: Iterable<T> | AsyncIterable<T>,
  worker: (item: T, signal: AbortSignal) => Promise<void>,
  options: PoolOptions<T> = {},
): Promise<PoolResult<T>> {
  const concurrency = options.concurrency ?? 8
  const attempts = options.attempts ?? 3
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Cannot run a pool with concurrency ${concurrency}: use an integer >= 1`)
  }
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(
      `Cannot run a pool with ${attempts} attempts per item: use an integer >= 1`,
    )
  }
  const delay = options.retryDelayMs ?? ((n: number) => Math.min(30_000, 1000 * 2 ** (n - 1)))
  const outer = options.signal
  const { controller, unlink } = linkedAbort(outer)
  const signal = controller.signal
  const iterator: Iterator<T> | AsyncIterator<T> = Symbol.asyncIterator in items
    ? items[Symbol.asyncIterator]()
    : items[Symbol.iterator]()
  const result: PoolResult<T> = { done: 0, quarantined: [], retries: 0 }
  let fatal: { error: unknown } | undefined

  const maxWait = options.maxWaitPerItemMs ?? Infinity
  const runItem = async (item: T): Promise<void> => {
    let firstFailure = 0
    await retryLoop<void, unknown>(async (attempt) => {
      try {
        await worker(item, signal)
        result.done++
        return { ok: true, value: undefined }
      } catch (error) {
        if (signal.aborted) throw signal.reason
        if (isFatal(error)) throw error
        if (attempt === 1) firstFailure = Date.now()
        return { ok: false, failure: error }
      }
    }, {
      retries: attempts - 1,
      signal,
      delayMs: (_error, attempt) => delay(attempt),
      stop: (error, _attempt, wait) =>
        isPermanent(error) || Date.now() + wait - firstFailure > maxWait,
      async giveUp(error, attempt) {
        result.quarantined.push({ item, attempts: attempt, error })
        await options.onQuarantine?.(item, attempt, error)
      },
      onRetry(error, attempt) {
        result.retries++
        options.onRetry?.(item, attempt, error)
      },
    })
  }

  const lane = async (): Promise<void> => {
    while (!fatal && !signal.aborted) {
      let next: IteratorResult<T>
      try {
        next = await iterator.next()
      } catch (error) {
        fatal ??= { error }
        controller.abort(error)
        return
      }
      if (next.done || fatal || signal.aborted) return
      let release: (() => void) | undefined
      try {
        release = await options.slots?.acquire(signal)
      } catch {
        return // aborted while waiting: the abort's reason is thrown below
      }
      try {
        await runItem(next.value)
      } catch (error) {
        fatal ??= { error }
        controller.abort(error)
        return
      } finally {
        release?.()
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, lane))
  } finally {
    unlink()
  }
  if (fatal) throw fatal.error
  if (outer?.aborted) throw outer.reason
  return result
}
