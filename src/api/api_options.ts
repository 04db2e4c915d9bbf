/**
 * `Api` options, their W&B defaults, and the environment and netrc lookups behind them.
 *
 * @module
 */
import { env } from '../runtime.ts'
import { VERSION } from '../version.ts'
import { readNetrcApiKey } from './netrc.ts'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/retry_policy.ts'
import type { RetryEvent } from '../http/retrying_fetch.ts'

/** Options of `new Api(...)`; every field is optional and falls back to the environment. */
export interface ApiOptions {
  /** API key. @default WANDB_API_KEY, else the netrc password for the API host */
  apiKey?: string
  /** API base URL. @default WANDB_BASE_URL, else 'https://api.wandb.ai' */
  baseUrl?: string
  /** App (UI) URL used by `Run.url`. @default WANDB_APP_URL, else derived from baseUrl as the SDK does */
  appUrl?: string
  /** Default entity for paths without one. @default WANDB_ENTITY, else the viewer's default entity */
  entity?: string
  /** Default project for paths without one. @default WANDB_PROJECT */
  project?: string
  /** Timeout of one HTTP attempt in ms. @default WANDB_HTTP_TIMEOUT (seconds) × 1000, else 30000 */
  timeoutMs?: number
  /** Retries after a failed attempt. @default WANDB__GRAPHQL_RETRY_MAX, else 20 */
  retries?: number
  /** Smallest backoff base in ms. @default WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS × 1000, else 2000 */
  retryWaitMinMs?: number
  /** Largest single backoff wait in ms. @default WANDB__GRAPHQL_RETRY_WAIT_MAX_SECONDS × 1000, else 60000 */
  retryWaitMaxMs?: number
  /** Total time one request may spend retrying, in ms. @default 300000 */
  maxRetryTimeMs?: number
  /**
   * Fetch implementation (tests, proxies). Uploads use it too, and storage such as S3 refuses a
   * PUT without `content-length`: Deno's own fetch drops that header for streamed bodies, so
   * under Deno wrap `uploadFetch` from `src/runtime.ts` rather than the global fetch.
   * @default globalThis.fetch (uploads: `uploadFetch`)
   */
  fetch?: typeof fetch
  /** Extra headers for every request. @default the JSON object in WANDB__EXTRA_HTTP_HEADERS */
  headers?: Record<string, string>
  /** User-Agent; W&B's backend recognises the `W&B Public Client` prefix. @default 'W&B Public Client 0.31.0 wbx/<version>' */
  userAgent?: string
  /** Allow running without an API key (for servers that need none). @default false */
  anonymous?: boolean
  /** Called before each retry wait of a GraphQL or file request (what failed, attempt, wait). */
  onRetry?: (event: RetryEvent) => void
  /**
   * Slowest download rate accepted: each file transfer must finish within
   * `downloadGraceMs + size / downloadMinBytesPerSecond` seconds. @default 65536 (64 KiB/s)
   */
  downloadMinBytesPerSecond?: number
  /** Time every download gets on top of its size-derived share, in ms. @default 60000 */
  downloadGraceMs?: number
  /**
   * Largest GraphQL response body accepted, in bytes; a larger one fails the request without
   * retries. @default 134217728 (128 MiB)
   */
  maxResponseBytes?: number
}

/** Options after defaults, environment and netrc were applied. */
export interface ResolvedApiOptions {
  /** The API key, or undefined when anonymous. */
  apiKey: string | undefined
  /** Base URL without trailing slash. */
  baseUrl: string
  /** App URL without trailing slash. */
  appUrl: string
  /** Default entity, if configured. */
  entity: string | undefined
  /** Default project, if configured. */
  project: string | undefined
  /** Retry and timeout settings. */
  policy: RetryPolicy
  /** Headers for GraphQL requests. */
  headers: Record<string, string>
  /** Headers for file transfers (User-Agent and extra headers only). */
  fileHeaders: Record<string, string>
  /** Fetch implementation, if one was given. */
  fetch: typeof fetch | undefined
  /** Retry callback, if one was given. */
  onRetry: ((event: RetryEvent) => void) | undefined
  /** Download deadlines and the GraphQL body cap. */
  limits: TransferLimits
}

/** Bounds on transfers: download deadlines (size over a floor rate, plus grace) and body caps. */
export interface TransferLimits {
  /** Slowest accepted download rate, bytes per second. @default 65536 */
  downloadMinBytesPerSecond: number
  /** Time every download gets besides its size-derived share, in ms. @default 60000 */
  downloadGraceMs: number
  /** Largest GraphQL response body, in bytes. @default 134217728 */
  maxResponseBytes: number
}

/**
 * The default bounds. 64 KiB/s is a slow mobile link; a transfer below it for longer than the
 * grace is stuck, not slow. 128 MiB of GraphQL JSON is several times the largest legitimate page
 * (1000 history rows of a wide run, 50 runs with large configs) and parses into well under 1 GB.
 */
export const DEFAULT_TRANSFER_LIMITS: Readonly<TransferLimits> = Object.freeze({
  downloadMinBytesPerSecond: 64 * 1024,
  downloadGraceMs: 60_000,
  maxResponseBytes: 128 * 1024 * 1024,
})

/** The SDK's default API address (the API host behind CoreWeave Forge). */
export const DEFAULT_BASE_URL = 'https://api.wandb.ai'

/** The SDK version whose wire format wbx follows. */
const SDK_VERSION = '0.31.0'

/** CoreWeave Forge hosts and the W&B API hosts behind them (sdk/lib/urls.py `FORGE_HOSTS`). */
const FORGE_HOSTS: Record<string, string> = {
  'forge.coreweave.com': 'api.wandb.ai',
  'qa.forge.coreweave.com': 'api.qa.wandb.ai',
}

/** Normalises and checks a base URL like the SDK's `HostUrl` (forge proxy URLs, wandb.ai hosts). */
export function normalizeBaseUrl(input: string): string {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw new TypeError(
      `Cannot use W&B base URL '${input}': not an absolute http(s) URL; e.g. ${DEFAULT_BASE_URL}`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Cannot use W&B base URL '${input}': only http and https are supported`)
  }
  if (url.hostname in FORGE_HOSTS) {
    if (
      url.protocol === 'https:' && url.port === '' &&
      url.pathname.replace(/\/+$/, '') === '/api/wandb'
    ) {
      return `https://api.${url.hostname}`
    }
    throw new TypeError(`Cannot use W&B base URL '${input}': use https://api.${url.hostname}`)
  }
  const text = input.trim().replace(/\/+$/, '')
  if (/wandb\.ai[^.]*$/.test(text)) {
    if (!text.includes('api.')) {
      throw new TypeError(
        `Cannot use W&B base URL '${input}': it is the web app, not the API; did you mean ${DEFAULT_BASE_URL}?`,
      )
    }
    if (url.protocol !== 'https:') {
      throw new TypeError(
        `Cannot use W&B base URL '${input}': http is not secure; use ${DEFAULT_BASE_URL}`,
      )
    }
  }
  return text
}

/** The app (UI) URL for an API URL (wandb/util.py `api_to_app_url`). */
export function apiToAppUrl(apiUrl: string): string {
  const host = new URL(apiUrl).hostname
  for (const [forge, api] of Object.entries(FORGE_HOSTS)) {
    if (host === forge || host === `api.${forge}` || host === api) return `https://${forge}/wandb`
  }
  const strip = (s: string): string => s.replace(/^\/+|\/+$/g, '')
  if (apiUrl.includes('://api.wandb.test')) return strip(apiUrl.replace('://api.', '://app.'))
  if (apiUrl.includes('://api.wandb.')) return strip(apiUrl.replace('://api.', '://'))
  if (apiUrl.includes('://api.')) return strip(apiUrl.replace('://api.', '://app.'))
  return apiUrl.replace(/\/+$/, '')
}

/** Reads a positive number from the environment, or undefined. */
function envNumber(name: string): number | undefined {
  const raw = env(name)
  if (raw === undefined || raw.trim() === '') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) {
    throw new TypeError(`Cannot use ${name}='${raw}': expected a non-negative number`)
  }
  return n
}

/** Parses WANDB__EXTRA_HTTP_HEADERS (a JSON object of strings). */
function extraHeadersFromEnv(): Record<string, string> {
  const raw = env('WANDB__EXTRA_HTTP_HEADERS')
  if (!raw) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new TypeError(
      'Cannot use WANDB__EXTRA_HTTP_HEADERS: it is not a JSON object of header names to values',
    )
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TypeError(
      'Cannot use WANDB__EXTRA_HTTP_HEADERS: it is not a JSON object of header names to values',
    )
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]))
}

/** Checks a number option. */
function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
    throw new RangeError(`Cannot use ${name}=${value}: expected a non-negative finite number`)
  }
}

/** Returns a positive number option or throws a RangeError naming it. */
function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`Cannot use ${name}=${value}: expected a positive number`)
  return value
}

/** Applies defaults, environment and netrc to `options` (reads ~/.netrc synchronously when needed). */
export function resolveApiOptions(options: ApiOptions = {}): ResolvedApiOptions {
  for (
    const k of [
      'timeoutMs',
      'retries',
      'retryWaitMinMs',
      'retryWaitMaxMs',
      'maxRetryTimeMs',
      'downloadGraceMs',
    ] as const
  ) {
    checkCount(k, options[k])
  }
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? env('WANDB_BASE_URL') ?? DEFAULT_BASE_URL)
  const appUrl = (options.appUrl ?? env('WANDB_APP_URL') ?? apiToAppUrl(baseUrl)).replace(
    /\/+$/,
    '',
  )
  const host = new URL(baseUrl).host
  const upstream = FORGE_HOSTS[new URL(baseUrl).hostname.replace(/^api\./, '')]
  let apiKey = options.apiKey ?? env('WANDB_API_KEY')
  if (apiKey === undefined || apiKey === '') {
    apiKey = readNetrcApiKey(upstream ? [host, upstream] : [host])
  }
  if (apiKey !== undefined) {
    apiKey = apiKey.trim()
    if (apiKey !== '' && !/^[!-~]+$/.test(apiKey)) {
      throw new TypeError(
        'Cannot use the W&B API key: it contains characters other than printable ASCII; copy it again from https://wandb.ai/authorize',
      )
    }
  }
  if (!apiKey && !options.anonymous) {
    throw new TypeError(
      `No W&B API key configured for ${host}: pass {apiKey}, set WANDB_API_KEY, or add ` +
        `"machine ${host} login user password <key>" to ~/.netrc (or run \`wandb login\`)`,
    )
  }
  const seconds = (name: string): number | undefined => {
    const s = envNumber(name)
    return s === undefined ? undefined : s * 1000
  }
  const policy: RetryPolicy = {
    retries: options.retries ?? envNumber('WANDB__GRAPHQL_RETRY_MAX') ??
      DEFAULT_RETRY_POLICY.retries,
    retryWaitMinMs: options.retryWaitMinMs ?? seconds('WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS') ??
      DEFAULT_RETRY_POLICY.retryWaitMinMs,
    retryWaitMaxMs: options.retryWaitMaxMs ?? seconds('WANDB__GRAPHQL_RETRY_WAIT_MAX_SECONDS') ??
      DEFAULT_RETRY_POLICY.retryWaitMaxMs,
    maxRetryTimeMs: options.maxRetryTimeMs ?? DEFAULT_RETRY_POLICY.maxRetryTimeMs,
    timeoutMs: options.timeoutMs ?? seconds('WANDB_HTTP_TIMEOUT') ?? DEFAULT_RETRY_POLICY.timeoutMs,
  }
  const extra = { ...extraHeadersFromEnv(), ...options.headers }
  const userAgent = options.userAgent ?? `W&B Public Client ${SDK_VERSION} wbx/${VERSION}`
  const headers: Record<string, string> = {
    ...extra,
    'User-Agent': userAgent,
    'Use-Admin-Privileges': 'true',
    'X-Wandb-Username': env('WANDB_USERNAME') ?? '',
    'X-Wandb-User-Email': env('WANDB_USER_EMAIL') ?? '',
  }
  return {
    apiKey: apiKey || undefined,
    baseUrl,
    appUrl,
    entity: options.entity ?? (env('WANDB_ENTITY') || undefined),
    project: options.project ?? (env('WANDB_PROJECT') || undefined),
    policy,
    headers,
    fileHeaders: { ...extra, 'User-Agent': userAgent },
    fetch: options.fetch,
    onRetry: options.onRetry,
    limits: {
      downloadMinBytesPerSecond: positive(
        'downloadMinBytesPerSecond',
        options.downloadMinBytesPerSecond ?? DEFAULT_TRANSFER_LIMITS.downloadMinBytesPerSecond,
      ),
      downloadGraceMs: options.downloadGraceMs ?? DEFAULT_TRANSFER_LIMITS.downloadGraceMs,
      maxResponseBytes: positive(
        'maxResponseBytes',
        options.maxResponseBytes ?? DEFAULT_TRANSFER_LIMITS.maxResponseBytes,
      ),
    },
  }
}
