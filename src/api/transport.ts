/**
 * The GraphQL transport: graphql-request's `GraphQLClient` over a retrying, credential-scoped fetch.
 *
 * @module
 */
import { ClientError, GraphQLClient } from 'graphql-request'
import { parseJson } from '../json/parse_json.ts'
import type { GraphqlOperation } from './queries.ts'
import { resolveRetryPolicy, type RetryPolicy } from '../http/retry_policy.ts'
import type { RetryOptionsInput } from '../http/retry_options.ts'
import { DEFAULT_TRANSFER_LIMITS, type TransferLimits } from './api_options.ts'
import {
  type Credentials,
  type RetryEvent,
  retryingFetch,
  safeUrl,
  TransferFailure,
  UnreachableError,
} from '../http/retrying_fetch.ts'
import { excerpt, redact, statusHint, WandbApiError } from './wandb_api_error.ts'
import { registerSecret } from './redact.ts'

/** Per-request options of {@link GraphqlTransport.request}. */
export interface GraphqlRequestOptions<T> {
  /** Cancels the request, including retry waits. */
  signal?: AbortSignal
  /** Name used in errors; defaults to the operation's own name. */
  operationName?: string
  /** `entity/project/run_id` named in errors. */
  runPath?: string
  /** Schema (a zod schema, or anything with `parse`) the response `data` must satisfy; its output is returned. */
  schema?: ResponseSchema<T>
}

/** What the transport needs of a response schema: zod's `parse`, throwing on a mismatch. */
export interface ResponseSchema<T> {
  /** Returns the checked value or throws (zod throws a ZodError with `issues`). */
  parse(data: unknown): T
}

/** Options of {@link GraphqlTransport.fetchUrl}. */
export interface FetchUrlOptions {
  /** Cancels the request and the body. */
  signal?: AbortSignal
  /** HTTP method. @default 'GET' */
  method?: string
  /** Extra request headers (never Authorization; the transport adds it only inside the API origin). */
  headers?: Record<string, string>
}

/** What the API client needs from a transport: GraphQL requests and plain URL fetches. */
export interface GraphqlTransport {
  /** The API base URL, without a trailing slash. */
  readonly baseUrl: string
  /** Sends one GraphQL operation and returns its `data`; throws {@link WandbApiError} on failure. */
  request<T = unknown>(
    document: GraphqlOperation | string,
    variables?: Record<string, unknown>,
    options?: GraphqlRequestOptions<T>,
  ): Promise<T>
  /**
   * Fetches a non-GraphQL URL (run files, signed URLs) with the same retries; the body is streamed.
   * Non-retryable statuses are returned; exhausted retries throw {@link WandbApiError}.
   */
  fetchUrl(url: string, options?: FetchUrlOptions): Promise<Response>
  /** Download deadlines and body caps. @default DEFAULT_TRANSFER_LIMITS */
  readonly limits?: TransferLimits
  /** Called before each retry wait; downloads report their own retries through it too. */
  readonly onRetry?: (event: RetryEvent) => void
}

/** Options of {@link HttpGraphqlTransport}. */
export interface HttpGraphqlTransportOptions {
  /** API base URL, e.g. `https://api.wandb.ai`; GraphQL goes to `<baseUrl>/graphql`. */
  baseUrl: string
  /** API key; sent as HTTP Basic `api:<key>` only to URLs under `baseUrl`. */
  apiKey?: string
  /** Headers sent with every GraphQL request (User-Agent, W&B headers). */
  headers?: Record<string, string>
  /** Headers sent with file and signed-URL requests. @default the `headers` */
  fileHeaders?: Record<string, string>
  /** Fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch
  /**
   * Retry settings (`retries`, `retryWaitMinMs`, `retryWaitMaxMs`, `maxRetryTimeMs`,
   * `timeoutMs`; the old `waitMinMs`, `waitMaxMs`, `maxElapsedMs` are still read). @default DEFAULT_RETRY_POLICY
   */
  policy?: RetryOptionsInput
  /** Random source for backoff jitter (tests). @default Math.random */
  random?: () => number
  /** Called before each retry wait (the CLI announces retries with it). */
  onRetry?: (event: RetryEvent) => void
  /** Download deadlines and the GraphQL body cap. @default DEFAULT_TRANSFER_LIMITS */
  limits?: Partial<TransferLimits>
}

/** Builds the `Authorization` value W&B expects: Basic base64("api:" + key). */
export function basicAuthorization(apiKey: string): string {
  const bytes = new TextEncoder().encode(`api:${apiKey}`)
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return `Basic ${btoa(binary)}`
}

/** The W&B GraphQL transport used by `Api`. */
export class HttpGraphqlTransport implements GraphqlTransport {
  /** API base URL without trailing slash. */
  readonly baseUrl: string
  /** Effective retry settings. */
  readonly policy: RetryPolicy
  /** Download deadlines and the GraphQL body cap. */
  readonly limits: TransferLimits
  #client: GraphQLClient
  #fetch: typeof fetch
  #headers: Record<string, string>
  #fileHeaders: Record<string, string>
  #credentials: Credentials | undefined
  #secrets: string[]
  #random: (() => number) | undefined
  /** Called before each retry wait (the CLI announces retries with it). */
  readonly onRetry: ((event: RetryEvent) => void) | undefined
  #parsed: { text: string; value: unknown }[] = []

  /** Creates a transport for one API base URL. */
  constructor(options: HttpGraphqlTransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    try {
      new URL(this.baseUrl)
    } catch {
      throw new TypeError(
        `Cannot use base URL '${options.baseUrl}': not an absolute URL; pass e.g. https://api.wandb.ai`,
      )
    }
    this.policy = resolveRetryPolicy(options.policy)
    this.limits = { ...DEFAULT_TRANSFER_LIMITS, ...options.limits }
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
    this.#headers = { ...options.headers }
    this.#fileHeaders = { ...(options.fileHeaders ?? options.headers) }
    this.#random = options.random
    this.onRetry = options.onRetry
    this.#secrets = []
    if (options.apiKey) {
      registerSecret(options.apiKey)
      const authorization = basicAuthorization(options.apiKey)
      this.#credentials = { authorization, scope: this.baseUrl }
      this.#secrets = [options.apiKey, authorization, authorization.slice('Basic '.length)]
    }
    this.#client = new GraphQLClient(`${this.baseUrl}/graphql`, {
      headers: { ...this.#headers, 'Content-Type': 'application/json' },
      fetch: (input, init) =>
        this.#graphqlFetch(String(input instanceof Request ? input.url : input), init ?? {}),
      jsonSerializer: { stringify: JSON.stringify, parse: (text: string) => this.#parse(text) },
      errorPolicy: 'none',
    })
  }

  /** Sends one GraphQL operation; see {@link GraphqlTransport.request}. */
  async request<T = unknown>(
    document: GraphqlOperation | string,
    variables: Record<string, unknown> = {},
    options: GraphqlRequestOptions<T> = {},
  ): Promise<T> {
    const text = typeof document === 'string' ? document : document.document
    const operation = options.operationName ??
      (typeof document === 'string'
        ? /\b(?:query|mutation)\s+(\w+)/.exec(text)?.[1] ?? 'graphql'
        : document.name)
    let data: unknown
    try {
      data = await this.#client.request({ document: text, variables, signal: options.signal })
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason
      throw this.#toError(err, operation, options.runPath)
    }
    if (!options.schema) return data as T
    let checked: T
    try {
      checked = options.schema.parse(data)
    } catch (err) {
      throw this.#shapeError(err, operation, options.runPath)
    }
    return checked
  }

  /** The error for a response whose `data` failed its schema. */
  #shapeError(err: unknown, operation: string, runPath: string | undefined): WandbApiError {
    const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues
    const issue = issues?.[0]
    const where = issue
      ? `data.${issue.path.map(String).join('.')}: ${issue.message}`
      : `data: ${err instanceof Error ? excerpt(err.message, 200) : 'rejected'}`
    const text = `${operation}${forRun(runPath)}: unexpected response shape at ${where}`
    return new WandbApiError(this.#clean(`${text}; is ${this.baseUrl} a W&B server?`), {
      code: 'bad-response',
      status: 200,
      operation,
      runPath,
      cause: err,
    })
  }

  /** Fetches a non-GraphQL URL; see {@link GraphqlTransport.fetchUrl}. */
  async fetchUrl(url: string, options: FetchUrlOptions = {}): Promise<Response> {
    const headers = { ...this.#fileHeaders, ...options.headers }
    try {
      return await retryingFetch(url, { method: options.method ?? 'GET', headers }, {
        fetch: this.#fetch,
        policy: this.policy,
        signal: options.signal,
        credentials: this.#credentials,
        random: this.#random,
        onRetry: this.onRetry,
      })
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason
      throw this.#toError(err, 'download', undefined, safeUrl(url))
    }
  }

  /** The fetch handed to graphql-request: retrying, buffered, JSON-validated. */
  #graphqlFetch(url: string, init: RequestInit): Promise<Response> {
    return retryingFetch(url, init, {
      fetch: this.#fetch,
      policy: this.policy,
      signal: init.signal ?? undefined,
      credentials: this.#credentials,
      buffer: true,
      maxBodyBytes: this.limits.maxResponseBytes,
      random: this.#random,
      onRetry: this.onRetry,
      validate: (bytes) => {
        const text = new TextDecoder().decode(bytes)
        const value = parseJson(text)
        this.#parsed.push({ text, value })
        if (this.#parsed.length > 8) this.#parsed.shift()
      },
    })
  }

  /** JSON parse for graphql-request, reusing the parse done while validating the body. */
  #parse(text: string): unknown {
    const i = this.#parsed.findIndex((p) => p.text === text)
    if (i < 0) return parseJson(text)
    const [hit] = this.#parsed.splice(i, 1)
    return hit.value
  }

  /** Turns any failure into a short, secret-free WandbApiError. */
  #toError(
    err: unknown,
    operation: string,
    runPath: string | undefined,
    target?: string,
  ): WandbApiError {
    if (err instanceof WandbApiError) return err
    if (err instanceof UnreachableError) {
      const api = err.origin === new URL(this.baseUrl).origin
      const hint = api
        ? `; check WANDB_BASE_URL (the W&B API address, now ${this.baseUrl})`
        : '; check the network and proxy settings'
      return new WandbApiError(this.#clean(`${operation} failed: ${err.message}${hint}`), {
        code: 'unreachable',
        status: 0,
        operation,
        runPath,
        cause: err.cause,
      })
    }
    if (err instanceof TransferFailure) {
      const what = target ? `${operation} of ${target}` : operation
      const text = `${what}${forRun(runPath)} failed: ${err.message}${statusHint(err.status)}`
      return new WandbApiError(this.#clean(text), {
        code: err.exhausted ? 'retries-exhausted' : 'http',
        status: err.status,
        operation,
        runPath,
        cause: err.cause,
      })
    }
    if (err instanceof ClientError) {
      const { status } = err.response
      const messages = (err.response.errors ?? []).map((e) => e.message).filter(Boolean)
      const body = (err.response as { body?: unknown }).body
      const server = messages.length > 0
        ? messages.join('; ')
        : typeof body === 'string' && body.trim() !== ''
        ? body
        : undefined
      const serverMessage = server === undefined ? undefined : this.#clean(excerpt(server))
      const graphql = status >= 200 && status < 300
      const head = graphql ? 'GraphQL error' : `HTTP ${status}`
      const text = `${operation}${forRun(runPath)} failed: ${head}${
        serverMessage ? `: ${serverMessage}` : ''
      }${statusHint(status)}`
      // The ClientError's own message embeds the whole request and response, so it is not kept as cause.
      return new WandbApiError(this.#clean(text), {
        code: graphql ? 'graphql' : 'http',
        status,
        operation,
        runPath,
        serverMessage,
      })
    }
    const detail = err instanceof Error ? excerpt(err.message, 200) : excerpt(String(err), 200)
    return new WandbApiError(
      this.#clean(`${operation}${forRun(runPath)} failed: unusable response: ${detail}`),
      {
        code: 'bad-response',
        status: 0,
        operation,
        runPath,
        cause: err instanceof ClientError ? undefined : err,
      },
    )
  }

  /** Removes the API key and Authorization value from text. */
  #clean(text: string): string {
    return redact(text, this.#secrets)
  }
}

/** ` for e/p/r` when a run path is known. */
function forRun(runPath: string | undefined): string {
  return runPath ? ` for ${runPath}` : ''
}
