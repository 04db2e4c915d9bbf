/**
 * One `fetch` that retries, times out per attempt, follows redirects itself and sends the
 * Authorization header only to URLs inside the configured API origin.
 *
 * @module
 */
import {
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
} from './retry_policy.ts'
import { retryLoop } from './retry_loop.ts'
import { concatBytes } from '../bytes.ts'

/** The credential header and the base URL it is limited to. */
export interface Credentials {
  /** Full `Authorization` header value, e.g. `Basic …`. */
  authorization: string
  /** The API base URL; the header goes only to the same scheme, host, port and path prefix. */
  scope: string
}

/** Options of {@link retryingFetch}. */
export interface RetryingFetchOptions {
  /** The fetch implementation to call. */
  fetch: typeof fetch
  /** Attempts, waits and timeouts. */
  policy: RetryPolicy
  /** Cancels waiting, the attempt in flight and (for streamed bodies) the body. */
  signal?: AbortSignal
  /** Authorization to add, only for URLs inside `credentials.scope`. */
  credentials?: Credentials
  /** Read the whole body inside the attempt so a truncated body is retried. @default false */
  buffer?: boolean
  /**
   * With `buffer`: the largest body read; a longer one (or a larger `Content-Length`) fails the
   * request without retries. @default Infinity
   */
  maxBodyBytes?: number
  /** Checks a buffered 2xx body; throwing makes the attempt fail and be retried. */
  validate?: (body: Uint8Array, response: Response) => void
  /** Random source for the backoff jitter (tests). @default Math.random */
  random?: () => number
  /** Called before each retry wait, e.g. to announce it on a terminal. */
  onRetry?: (event: RetryEvent) => void
}

/** A retry about to happen: what failed, which attempt, and how long the wait is. */
export interface RetryEvent {
  /** The URL without query string or credentials. */
  url: string
  /** What went wrong, e.g. `HTTP 503` or `connection failed: …`. */
  detail: string
  /** HTTP status of the failed attempt, 0 when no response arrived. */
  status: number
  /** The attempt that failed, from 1. */
  attempt: number
  /** Attempts allowed in all (`retries + 1`). */
  maxAttempts: number
  /** The wait before the next attempt, in ms. */
  delayMs: number
}

/** Quick retries for a host that never answered in this process (connection refused, DNS failure). */
const UNREACHABLE_RETRIES = 2
/** First wait between those quick retries, doubling after each, in ms. */
const UNREACHABLE_WAIT_MS = 300
/** Origins that answered at least once (any status): their connection errors are retried in full. */
const reachedOrigins = new Set<string>()

/** The request could not be completed; `retryable` failures are those that used up the budget. */
export class TransferFailure extends Error {
  /** Last HTTP status seen, 0 when no response arrived. */
  readonly status: number
  /** Attempts made. */
  readonly attempts: number
  /** Whether the request failed because retries ran out (true) or a hop failed for good (false). */
  readonly exhausted: boolean

  /** Creates the failure. */
  constructor(
    message: string,
    status: number,
    attempts: number,
    exhausted: boolean,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'TransferFailure'
    this.status = status
    this.attempts = attempts
    this.exhausted = exhausted
  }
}

/** The host never answered: connection refused, its name did not resolve, or its port is blocked. */
export class UnreachableError extends TransferFailure {
  /** The origin that could not be reached, e.g. `http://localhost:8080`. */
  readonly origin: string

  /** Creates the failure. */
  constructor(origin: string, reason: string, attempts: number, cause?: unknown) {
    super(`cannot reach ${origin}: ${reason}`, 0, attempts, false, cause)
    this.name = 'UnreachableError'
    this.origin = origin
  }
}

/** Why a fetch error means the host cannot be reached at all, or undefined for other failures. */
export function unreachableReason(err: unknown): string | undefined {
  const parts: string[] = []
  let current: unknown = err
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    parts.push(current.message, String((current as { code?: unknown }).code ?? ''))
    current = current.cause
  }
  const text = parts.join(' ')
  if (/ECONNREFUSED|Connection refused/i.test(text)) return 'connection refused'
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|dns error|failed to lookup address|getaddrinfo/i.test(text)) {
    return 'its host name does not resolve (DNS lookup failed)'
  }
  if (/bad port|are blocked/i.test(text)) return 'the port is blocked by the runtime'
  return undefined
}

/** Whether `url` lies inside `scope` (same protocol, host and port; path under the scope's path). */
export function inCredentialScope(url: URL, scope: URL): boolean {
  if (url.protocol !== scope.protocol || url.host !== scope.host) return false
  const base = scope.pathname.replace(/\/+$/, '')
  return base === '' || url.pathname === base || url.pathname.startsWith(base + '/')
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 10
const NULL_BODY = new Set([101, 103, 204, 205, 304])

/** What one attempt produced: a usable response, or a retryable failure description. */
type Attempt =
  | { ok: true; response: Response }
  | {
    ok: false
    status: number
    detail: string
    retryAfterMs?: number
    cause?: unknown
    /** Set when the host cannot be reached at all (see {@link unreachableReason}). */
    unreachable?: string
  }

/** A failed attempt. */
type Failed = Extract<Attempt, { ok: false }>

/**
 * Fetches `url` with retries on connection errors, timeouts, truncated bodies and 408/429/5xx
 * (except 501), honouring `Retry-After`. Non-retryable statuses are returned, not thrown.
 * Throws {@link TransferFailure} when the budget runs out, or the signal's reason when aborted.
 */
export async function retryingFetch(
  url: string,
  init: RequestInit,
  options: RetryingFetchOptions,
): Promise<Response> {
  const { policy } = options
  const started = Date.now()
  const attemptsText = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`
  /** Whether the failure is a host this process never reached (quick retries, then give up). */
  const unreachable = (f: Failed) =>
    f.unreachable !== undefined && !reachedOrigins.has(new URL(url).origin)
  return await retryLoop<Response, Failed>(async () => {
    const result = await attemptOnce(url, init, options)
    return result.ok ? { ok: true, value: result.response } : { ok: false, failure: result }
  }, {
    retries: policy.retries,
    signal: options.signal,
    delayMs: (f, attempt) =>
      unreachable(f)
        ? UNREACHABLE_WAIT_MS * 2 ** (attempt - 1)
        : f.retryAfterMs ?? backoffDelay(attempt - 1, policy, options.random),
    stop(f, attempt, delay) {
      if (unreachable(f) && (attempt > UNREACHABLE_RETRIES || f.unreachable!.includes('blocked'))) {
        throw new UnreachableError(new URL(url).origin, f.unreachable!, attempt, f.cause)
      }
      if (Date.now() - started + delay > policy.maxRetryTimeMs) {
        const asked = f.retryAfterMs === undefined
          ? ''
          : `; the server asked to wait ${Math.round(f.retryAfterMs / 1000)} s (Retry-After)`
        throw new TransferFailure(
          `gave up after ${
            attemptsText(attempt)
          } (retry budget of ${policy.maxRetryTimeMs} ms spent${asked}): ${f.detail}`,
          f.status,
          attempt,
          true,
          f.cause,
        )
      }
      return false
    },
    giveUp(f, attempt) {
      throw new TransferFailure(
        `gave up after ${attemptsText(attempt)}: ${f.detail}`,
        f.status,
        attempt,
        true,
        f.cause,
      )
    },
    onRetry: (f, attempt, delayMs) =>
      options.onRetry?.({
        url: safeUrl(url),
        detail: f.detail,
        status: f.status,
        attempt,
        maxAttempts: policy.retries + 1,
        delayMs,
      }),
  })
}

/** Runs one attempt: fetch with redirects, per-attempt timeout and (optionally) a buffered body. */
async function attemptOnce(
  url: string,
  init: RequestInit,
  options: RetryingFetchOptions,
): Promise<Attempt> {
  const { signal, policy } = options
  if (signal?.aborted) throw signal.reason
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort(
      new DOMException(`attempt timed out after ${policy.timeoutMs} ms`, 'TimeoutError'),
    )
  }, policy.timeoutMs)
  const onAbort = (): void => controller.abort(signal!.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const finish = (): void => {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
  const failed = (err: unknown, what: string): Attempt => {
    finish()
    if (signal?.aborted) throw signal.reason
    if (timedOut) {
      return {
        ok: false,
        status: 0,
        detail: `no complete response within ${policy.timeoutMs} ms`,
        cause: err,
      }
    }
    const unreachable = unreachableReason(err)
    return { ok: false, status: 0, detail: `${what}: ${errorText(err)}`, cause: err, unreachable }
  }

  let response: Response
  try {
    response = await fetchFollowingRedirects(url, init, options, controller.signal)
  } catch (err) {
    if (err instanceof TransferFailure) {
      finish()
      throw err
    }
    return failed(err, 'connection failed')
  }
  if (isRetryableStatus(response.status)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
    await response.body?.cancel().catch(() => {})
    finish()
    return { ok: false, status: response.status, detail: `HTTP ${response.status}`, retryAfterMs }
  }
  if (!options.buffer) {
    // The caller streams the body; the user signal stays linked so it can still cancel the read,
    // and a body that stalls for a whole timeout period errors instead of hanging.
    clearTimeout(timer)
    if (!response.body) return { ok: true, response }
    const body = idleTimeout(response.body, policy.timeoutMs, () => {
      controller.abort(new DOMException(`no data for ${policy.timeoutMs} ms`, 'TimeoutError'))
    })
    const init = {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    }
    return { ok: true, response: new Response(body, init) }
  }
  const declared = response.headers.get('content-length')
  const cap = options.maxBodyBytes ?? Infinity
  const tooLarge = (size: string): TransferFailure =>
    new TransferFailure(
      `HTTP ${response.status} body of ${size} is larger than the ${cap}-byte cap ` +
        '(maxResponseBytes); stopped reading. Ask for smaller pages, or raise the cap',
      response.status,
      1,
      false,
    )
  if (declared !== null && Number(declared) > cap) {
    await response.body?.cancel().catch(() => {})
    finish()
    throw tooLarge(`${declared} bytes`)
  }
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = await readCapped(response, cap)
  } catch (err) {
    if (err instanceof TransferFailure) {
      finish()
      throw tooLarge(`more than ${cap} bytes`)
    }
    return failed(err, `HTTP ${response.status} body cut off`)
  }
  finish()
  if (
    declared !== null && !response.headers.has('content-encoding') &&
    Number(declared) !== bytes.length
  ) {
    return {
      ok: false,
      status: response.status,
      detail: `HTTP ${response.status} body cut off at ${bytes.length} of ${declared} bytes`,
    }
  }
  if (response.ok && options.validate) {
    try {
      options.validate(bytes, response)
    } catch (err) {
      return {
        ok: false,
        status: response.status,
        detail: `HTTP ${response.status} unusable body: ${errorText(err)}`,
        cause: err,
      }
    }
  }
  const body = NULL_BODY.has(response.status) ? null : bytes
  return {
    ok: true,
    response: new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    }),
  }
}

/** Reads a whole body, throwing a TransferFailure as soon as it passes `cap` bytes. */
export async function readCapped(
  response: Response,
  cap: number,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.body) return new Uint8Array(0)
  if (cap === Infinity) return new Uint8Array(await response.arrayBuffer())
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > cap) {
      await reader.cancel().catch(() => {})
      throw new TransferFailure('body over the cap', response.status, 1, false)
    }
    chunks.push(value)
  }
  return concatBytes(chunks, size)
}

/** Fetches, following up to 10 redirects by hand so credentials are re-checked on every hop. */
async function fetchFollowingRedirects(
  url: string,
  init: RequestInit,
  options: RetryingFetchOptions,
  signal: AbortSignal,
): Promise<Response> {
  let current = new URL(url)
  let method = (init.method ?? 'GET').toUpperCase()
  let body = init.body
  const scope = options.credentials ? new URL(options.credentials.scope) : undefined
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers = new Headers(init.headers)
    headers.delete('authorization')
    if (options.credentials && scope && inCredentialScope(current, scope)) {
      headers.set('authorization', options.credentials.authorization)
    }
    if (body === undefined || body === null) headers.delete('content-type')
    const response = await options.fetch(current.href, {
      ...init,
      method,
      body,
      headers,
      redirect: 'manual',
      signal,
    })
    if (reachedOrigins.size < 1000) reachedOrigins.add(current.origin)
    const location = response.headers.get('location')
    if (!REDIRECTS.has(response.status) || location === null) return response
    await response.body?.cancel().catch(() => {})
    current = new URL(location, current)
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      method = 'GET'
      body = undefined
    }
  }
  throw new TransferFailure(
    `more than ${MAX_REDIRECTS} redirects starting at ${safeUrl(url)}`,
    0,
    1,
    false,
  )
}

/**
 * Passes `body` through, erroring with a TimeoutError (and calling `onIdle`) when no chunk arrives
 * for `ms` milliseconds while the consumer is waiting for one.
 */
export function idleTimeout(
  body: ReadableStream<Uint8Array>,
  ms: number,
  onIdle: () => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          onIdle()
          reject(new DOMException(`the body stalled: no data for ${ms} ms`, 'TimeoutError'))
        }, ms)
      })
      try {
        const { done, value } = await Promise.race([reader.read(), idle])
        if (done) controller.close()
        else controller.enqueue(value)
      } catch (err) {
        reader.cancel(err).catch(() => {})
        throw err
      } finally {
        clearTimeout(timer)
      }
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 })
}

/** A URL without its query string and credentials, fit for an error message (signed URLs carry tokens there). */
export function safeUrl(url: string | URL): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '<invalid URL>'
  }
}

/** The message of an error value, with its cause's message when the runtime wraps it (undici). */
function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : ''
    return `${err.message}${cause}`
  }
  return String(err)
}
