/**
 * HTTP for signed export URLs: no credentials ever, retries with backoff, whole-body checks.
 *
 * Signed URLs point at another origin (object storage), so nothing here adds an
 * `Authorization` header, and any such header a caller passes is removed.
 *
 * @module
 */
import { isRetryableStatus, parseRetryAfter } from '../../http/retry_policy.ts'
import {
  type DeprecatedRetryOptions,
  normalizeRetryOptions,
  type RetryOptions,
} from '../../http/retry_options.ts'
import { retryLoop } from '../../http/retry_loop.ts'
import type { RetryEvent } from '../../http/retrying_fetch.ts'
import { concatBytes } from '../../bytes.ts'
import { linkedAbort } from '../../linked_abort.ts'

/** The subset of `fetch` the history readers use. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/**
 * Options for requests to signed export URLs, in the retry vocabulary of {@linkcode RetryOptions}
 * (the old `retryDelayMs` and `maxRetryDelayMs` are still read).
 */
export interface SignedFetchOptions
  extends RetryOptions, Pick<DeprecatedRetryOptions, 'retryDelayMs' | 'maxRetryDelayMs'> {
  /** The fetch used for signed URLs; it must not add credentials. @default globalThis.fetch */
  fetch?: FetchLike
  /** Attempts after the first one for connection errors, 408, 429, 5xx (not 501) and short bodies. @default 4 */
  retries?: number
  /** First backoff wait in milliseconds; each retry doubles it, plus up to 25% jitter. @default 500 */
  retryWaitMinMs?: number
  /** Longest single wait, `Retry-After` included. @default 30000 */
  retryWaitMaxMs?: number
  /** No retry starts later than this many ms after the first attempt. @default 300000 */
  maxRetryTimeMs?: number
  /** Time limit for one attempt, body included. @default 30000 */
  timeoutMs?: number
  /** Cancels every request. */
  signal?: AbortSignal
  /** Called before each retry wait (the CLI announces retries with it). */
  onRetry?: (event: RetryEvent) => void
}

/** Headers never sent to a signed URL. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization']

/** Shows a signed URL without its query string, which holds the signature. */
export function redactSignedUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return '<invalid URL>'
  }
}

/** A signal that aborts when `outer` aborts or `ms` pass; `done()` releases its timer and listener. */
function attemptSignal(outer: AbortSignal | undefined, ms: number) {
  const { controller, unlink } = linkedAbort(outer)
  const timer = setTimeout(
    () => controller.abort(new Error(`no complete response within ${ms} ms`)),
    ms,
  )
  return {
    signal: controller.signal,
    /** Releases the timer and the listener on `outer`. */
    done() {
      clearTimeout(timer)
      unlink()
    },
  }
}

/** An HTTP failure worth another attempt, carrying the server's `Retry-After`. */
class RetryableHttpError extends Error {
  retryAfterMs: number | undefined
  /** The HTTP status, 0 for a short body. */
  status: number
  /** Records the failure and the wait the server asked for. */
  constructor(message: string, retryAfter?: number, status = 0) {
    super(message)
    this.retryAfterMs = retryAfter
    this.status = status
  }
}

/**
 * Fetches a signed URL and hands the response to `consume` inside the same attempt, so failures
 * while reading the body (dropped connections, short bodies) are retried like failed requests.
 * `consume` returns the result, or throws {@linkcode shortBody} to ask for another attempt.
 */
export async function fetchSigned<T>(
  url: string,
  init: RequestInit,
  options: SignedFetchOptions,
  consume: (response: Response, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const doFetch = options.fetch ?? globalThis.fetch
  const retry = normalizeRetryOptions(options)
  const retries = retry.retries ?? 4
  const baseDelay = retry.retryWaitMinMs ?? 500
  const maxDelay = retry.retryWaitMaxMs ?? 30_000
  const maxTime = retry.maxRetryTimeMs ?? 300_000
  const started = Date.now()
  const headers = new Headers(init.headers)
  for (const name of CREDENTIAL_HEADERS) headers.delete(name)
  const method = init.method ?? 'GET'
  const where = `${method} ${redactSignedUrl(url)}`
  const reasonOf = (failure: unknown) =>
    failure instanceof Error ? failure.message : String(failure)
  return await retryLoop<T, unknown>(async () => {
    const attemptCtl = attemptSignal(options.signal, retry.timeoutMs ?? 30_000)
    try {
      const response = await doFetch(url, {
        ...init,
        headers,
        credentials: 'omit',
        signal: attemptCtl.signal,
      })
      if (isRetryableStatus(response.status)) {
        await response.body?.cancel().catch(() => {})
        throw new RetryableHttpError(
          `HTTP ${response.status}`,
          parseRetryAfter(response.headers.get('retry-after')),
          response.status,
        )
      }
      return { ok: true, value: await consume(response, attemptCtl.signal) }
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason
      if (err instanceof SignedUrlError) throw err
      return { ok: false, failure: err }
    } finally {
      attemptCtl.done()
    }
  }, {
    retries,
    signal: options.signal,
    delayMs: (failure, attempt) => {
      const waitMs = failure instanceof RetryableHttpError ? failure.retryAfterMs : undefined
      const backoff = baseDelay * 2 ** (attempt - 1) * (1 + 0.25 * Math.random())
      return Math.min(maxDelay, waitMs ?? backoff)
    },
    stop: (_failure, _attempt, delayMs) => Date.now() - started + delayMs > maxTime,
    giveUp(failure, attempt) {
      throw new Error(
        `Cannot ${where}: ${
          reasonOf(failure)
        } (after ${attempt} attempts); check the network, or run the scan again`,
        { cause: failure },
      )
    },
    onRetry: (failure, attempt, delayMs) =>
      options.onRetry?.({
        url: redactSignedUrl(url),
        detail: reasonOf(failure),
        status: failure instanceof RetryableHttpError ? failure.status : 0,
        attempt,
        maxAttempts: retries + 1,
        delayMs,
      }),
  })
}

/** A non-retryable answer from a signed URL (e.g. 403 for an expired signature, 404). */
export class SignedUrlError extends Error {
  /** The HTTP status. */
  status: number
  /** Creates the error for an HTTP `status`. */
  constructor(message: string, status: number) {
    super(message)
    this.name = 'SignedUrlError'
    this.status = status
  }
}

/** The error `consume` throws for a body shorter or longer than announced; it is retried. */
export function shortBody(got: number, expected: number): Error {
  return new Error(`the body had ${got} bytes where ${expected} were announced`)
}

/** The byte count a response should carry: from `Content-Range` for 206, else `Content-Length`. */
export function expectedLength(response: Response): number | undefined {
  const range = response.headers.get('content-range')
  const m = range ? /bytes (\d+)-(\d+)\//.exec(range) : null
  if (response.status === 206 && m) return Number(m[2]) - Number(m[1]) + 1
  const length = response.headers.get('content-length')
  return length !== null && /^\d+$/.test(length) ? Number(length) : undefined
}

/** Most bytes read from an export answer whose length neither the request nor the answer bounds. */
export const MAX_UNRANGED_BYTES = 128 * 1024 * 1024

/** The `bytes=a-b` / `bytes=a-` range of a request, if it has one. */
function requestedRange(
  headers: HeadersInit | undefined,
): { start: number; end?: number } | undefined {
  const value = new Headers(headers).get('range')
  const m = value ? /^bytes=(\d+)-(\d*)$/.exec(value.trim()) : null
  if (!m) return undefined
  return { start: Number(m[1]), end: m[2] === '' ? undefined : Number(m[2]) }
}

/**
 * Reads `take` bytes of `body` after skipping `skip`, then cancels the rest. With `capped`, a
 * body still going after `take` bytes is an error (an unbounded answer), else it is cut.
 */
export async function readSlice(
  body: ReadableStream<Uint8Array> | null,
  skip: number,
  take: number,
  capped: boolean,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = []
  let skipped = 0
  let kept = 0
  if (body) {
    const reader = body.getReader()
    try {
      while (kept < take) {
        const { done, value } = await reader.read()
        if (done) break
        let chunk = value
        if (skipped < skip) {
          const drop = Math.min(skip - skipped, chunk.byteLength)
          skipped += drop
          chunk = chunk.subarray(drop)
        }
        if (chunk.byteLength === 0) continue
        const part = chunk.subarray(0, take - kept)
        chunks.push(part)
        kept += part.byteLength
      }
      if (capped && kept >= take && !(await reader.read()).done) {
        throw new Error(`the body is longer than ${take} bytes; stopped reading`)
      }
    } finally {
      await reader.cancel().catch(() => {})
    }
  }
  return concatBytes(chunks, kept)
}

/**
 * A fetch for hyparquet's `asyncBufferFromUrl`: each GET body is read whole and its length
 * checked inside the retry loop, then handed back as a fresh Response. HEAD answers that are not
 * retryable pass through unchanged, so hyparquet's ranged-GET fallback for a 403 HEAD still works.
 */
export function rangeReadingFetch(options: SignedFetchOptions): FetchLike {
  return (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const isHead = (init.method ?? 'GET').toUpperCase() === 'HEAD'
    return fetchSigned(url, init, options, async (response) => {
      if (isHead) return response
      if (!response.ok) {
        await response.body?.cancel().catch(() => {})
        throw new SignedUrlError(
          `Cannot read history export ${redactSignedUrl(url)}: HTTP ${response.status}; ` +
            'a signed URL may have expired, run the scan again',
          response.status,
        )
      }
      const range = requestedRange(init.headers)
      if (range && response.status === 200) {
        // The server ignored Range and sends the whole object: keep only the slice asked for,
        // reading no further than its end (never the whole body into memory).
        const want = range.end === undefined ? MAX_UNRANGED_BYTES : range.end - range.start + 1
        const slice = await readSlice(response.body, range.start, want, range.end === undefined)
        if (range.end !== undefined && slice.byteLength !== want) {
          throw shortBody(slice.byteLength, want)
        }
        const total = response.headers.get('content-length') ?? '*'
        const last = range.start + slice.byteLength - 1
        return new Response(slice, {
          status: 206,
          headers: { 'content-range': `bytes ${range.start}-${last}/${total}` },
        })
      }
      const expected = expectedLength(response)
      const limit = expected ??
        (range?.end !== undefined ? range.end - range.start + 1 : MAX_UNRANGED_BYTES)
      // One byte past the limit tells an overlong body from a complete one.
      const body = await readSlice(response.body, 0, limit + 1, false)
      if (body.byteLength > limit) {
        await response.body?.cancel().catch(() => {})
        throw new SignedUrlError(
          `Cannot read history export ${
            redactSignedUrl(url)
          }: the body is longer than the ${limit} bytes ` +
            `${expected !== undefined ? 'announced' : 'asked for'}; stopped reading`,
          response.status,
        )
      }
      if (expected !== undefined && body.byteLength !== expected) {
        throw shortBody(body.byteLength, expected)
      }
      return new Response(body, { status: response.status, headers: response.headers })
    })
  }
}
