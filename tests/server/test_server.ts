/**
 * `startTestServer`: a W&B-compatible API on loopback for tests and manual use. The API origin
 * answers `POST /graphql` (Basic auth `api:<key>`) and the authenticated download routes; a
 * second origin serves files and Parquet exports at signed URLs. Both can inject faults, and
 * every request is logged.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { handleApiRequest, isAuthorized } from './api_origin.ts'
import { FaultInjector, type FaultRule, type Origin, seededRandom } from './faults.ts'
import { handleFilesRequest } from './files_origin.ts'
import { type GraphqlBody, operationNameOf } from './graphql_schema.ts'
import { deliver, faultReply, jsonReply, type Reply, Timers } from './http_reply.ts'
import { type LimitOptions, ServerLimits } from './limits.ts'
import {
  addGeneratedProject,
  type GeneratedProjectInfo,
  type GeneratedProjectOptions,
  warmGeneratedProject,
} from './generated_project.ts'
import type { RunRecord } from './records.ts'
import { type LocalSeedOptions, seedFromLocalRun } from './local_seed.ts'
import { headersOf, type RequestLogEntry } from './request_log.ts'
import type { ResolverContext, ServerFeature } from './resolver_context.ts'
import { exportFilesOf } from './run_export.ts'
import type { ExportSettings, RunSeed } from './run_seed.ts'
import { UrlSigner } from './signed_urls.ts'
import { ServerStore, type ViewerInfo } from './store.ts'
import { serveUpload } from './upload_origin.ts'

/** The API key the server accepts unless told otherwise (40 characters, valid for the SDK). */
export const TEST_API_KEY = 'wbxtest0123456789abcdef0123456789abcdef0'

/** Options for {@linkcode startTestServer}. */
export interface TestServerOptions {
  /** Interface to listen on; @default '127.0.0.1' */
  host?: string
  /** API port (0 picks a free one); @default 0 */
  port?: number
  /** Files-origin port (0 picks a free one); @default 0 */
  filesPort?: number
  /** Accepted API keys; @default [TEST_API_KEY] */
  apiKeys?: string[]
  /** The viewer the keys belong to. */
  viewer?: ViewerInfo
  /** Runs to add at start. */
  runs?: RunSeed[]
  /** Export settings for runs that do not set their own. */
  exportDefaults?: ExportSettings
  /** Seed for fault probabilities, URL shuffles and the URL-signing key; @default 1 */
  seed?: number
  /** Lifetime of signed URLs in seconds; @default 3600 */
  signedUrlTtlSeconds?: number
  /** Whether signed URLs accept HEAD (false mimics GET-only signatures); @default true */
  signedUrlHead?: boolean
  /** Whether `parquetUrls` come back shuffled; @default false */
  shuffleParquetUrls?: boolean
  /** What `serverInfo.features` reports; @default [] */
  features?: ServerFeature[]
  /** Entities the viewer may read but not write: their mutations answer 403; @default [] */
  readOnlyEntities?: string[]
  /** Clock for signed-URL expiry, epoch ms; @default Date.now */
  now?: () => number
  /** Bytes of encoded row groups streamed exports keep; @default 256 MiB */
  exportCacheBytes?: number
  /** W&B-like limits: rate per key, latency per origin, storage bandwidth; @default none */
  limits?: LimitOptions
  /** Projects of generated runs to add at start (rows and exports stay lazy). */
  generatedProjects?: GeneratedProjectOptions[]
  /** Precompute the generated projects' history keys (and with `exports`, export layouts). */
  warm?: { exports?: boolean }
}

/** A running test server. */
export interface TestServer {
  /** The API origin, for `WANDB_BASE_URL` / `Api({baseUrl})`, e.g. `http://127.0.0.1:41233`. */
  readonly baseUrl: string
  /** The files origin that signed URLs point at. */
  readonly filesOrigin: string
  /** The first accepted API key. */
  readonly apiKey: string
  /** The in-memory data. */
  readonly store: ServerStore
  /** Fault rules; add with `faults.add({...})`. */
  readonly faults: FaultInjector
  /** Every request received on either origin, in order. */
  readonly requests: RequestLogEntry[]
  /** The limits in force (rate limiter counts, storage link). */
  readonly limits: ServerLimits
  /** The generated projects added at start. */
  readonly generated: GeneratedProjectInfo[]
  /** Adds (or replaces) a run. */
  addRun(seed: RunSeed): RunRecord
  /** Adds (or replaces) a run read from a local run folder or `.wandb` file. */
  addLocalRun(source: string, options?: LocalSeedOptions): Promise<RunRecord>
  /** Adds a fault rule (shorthand for `faults.add`). */
  fault(rule: FaultRule): ReturnType<FaultInjector['add']>
  /** The bytes of a run's Parquet export files, in step order; throws for an unknown run. */
  exportFiles(entity: string, project: string, id: string): Uint8Array[]
  /** Stops both origins, cutting stalled replies and open connections. */
  stop(): Promise<void>
}

/** Starts the two origins on loopback and returns once both listen. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const host = options.host ?? '127.0.0.1'
  const seed = options.seed ?? 1
  const apiKeys = options.apiKeys ?? [TEST_API_KEY]
  const store = new ServerStore({
    viewer: options.viewer,
    exportDefaults: options.exportDefaults,
    exportCacheBytes: options.exportCacheBytes,
  })
  const faults = new FaultInjector(seed)
  const requests: RequestLogEntry[] = []
  const timers = new Timers()
  const limits = new ServerLimits({ seed, ...options.limits })

  const handle = (origin: Origin) => (req: IncomingMessage, res: ServerResponse) => {
    serve(origin, req, res).catch((err) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({ errors: [{ message: `internal error: ${(err as Error).message}` }] }),
        )
      }
    })
  }

  /** Logs, fault-checks, answers and delivers one request. */
  async function serve(origin: Origin, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase()
    if (origin === 'files' && method === 'PUT') {
      return serveUpload(req, res, { ctx, faults, requests, timers })
    }
    const url = new URL(req.url ?? '/', 'http://localhost')
    const raw = await readBody(req)
    const entry: RequestLogEntry = {
      seq: requests.length + 1,
      origin,
      method,
      path: url.pathname,
      url: url.pathname + url.search,
      headers: headersOf(req),
      body: raw === undefined ? '' : raw.text,
      status: 0,
      receivedAt: Date.now(),
    }
    requests.push(entry)
    let body: GraphqlBody | 'invalid' | undefined
    if (origin === 'api' && raw !== undefined && raw.text !== '') {
      body = parseBody(raw.text)
      if (body !== 'invalid') {
        entry.operation = operationNameOf(body)
        if (body.variables && typeof body.variables === 'object') {
          entry.variables = body.variables as Record<string, unknown>
        }
      }
    }
    const limited = limits.admit(origin, req.headers.authorization, req.socket.remoteAddress)
    const fault = limited
      ? undefined
      : faults.decide({ origin, method, path: url.pathname, operation: entry.operation })
    entry.fault = fault?.kind
    entry.rateLimited = limited !== undefined
    let reply: Reply
    if (limited) reply = limited
    else if (raw?.tooLarge) {
      reply = jsonReply(413, { errors: [{ message: 'request body too large' }] })
    } else if (fault?.kind === 'status') reply = faultReply(fault, origin)
    else if (fault?.kind === 'drop') reply = jsonReply(200, {})
    else if (fault?.kind === 'graphql-error') {
      reply = jsonReply(200, {
        errors: [{ message: fault.message ?? 'injected GraphQL error' }],
        data: null,
      })
    } else if (origin === 'api') {
      const authorized = isAuthorized(req.headers.authorization, apiKeys)
      reply = await handleApiRequest(method, url, authorized, body, ctx)
    } else {
      reply = handleFilesRequest(method, url, req.headers.range, {
        store,
        signer: ctx.signer,
        allowHead: options.signedUrlHead ?? true,
      })
    }
    entry.status = await deliver(req, res, reply, fault, timers, limits.shaping(origin))
  }

  const api = createServer()
  const files = createServer()
  const apiPort = await listen(api, host, options.port ?? 0)
  const filesPort = await listen(files, host, options.filesPort ?? 0)
  const urlHost = host.includes(':') ? `[${host}]` : host
  const baseUrl = `http://${urlHost}:${apiPort}`
  const filesOrigin = `http://${urlHost}:${filesPort}`
  const ctx: ResolverContext = {
    store,
    apiOrigin: baseUrl,
    signer: new UrlSigner(filesOrigin, {
      secret: `wbx-test-server-${seed}`,
      ttlSeconds: options.signedUrlTtlSeconds,
      now: options.now,
    }),
    features: options.features ?? [],
    shuffleParquetUrls: options.shuffleParquetUrls ?? false,
    random: seededRandom(seed + 1),
    readOnlyEntities: options.readOnlyEntities ?? [],
  }
  for (const run of options.runs ?? []) store.addRun(run)
  const generated = (options.generatedProjects ?? []).map((p) => addGeneratedProject(store, p))
  if (options.warm) {
    for (const info of generated) {
      warmGeneratedProject(store, info, options.warm)
    }
  }
  api.on('request', handle('api'))
  files.on('request', handle('files'))

  let stopped: Promise<void> | undefined
  return {
    baseUrl,
    filesOrigin,
    apiKey: apiKeys[0],
    store,
    faults,
    requests,
    limits,
    generated,
    addRun: (seed) => store.addRun(seed),
    addLocalRun: async (source, localOptions) =>
      store.addRun(await seedFromLocalRun(source, localOptions)),
    fault: (rule) => faults.add(rule),
    exportFiles: (entity, project, id) => {
      const run = store.run(entity, project, id)
      if (!run) throw new Error(`test server has no run ${entity}/${project}/${id}`)
      return exportFilesOf(store, run)
    },
    stop: () => {
      timers.cancelAll()
      stopped ??= Promise.all([close(api), close(files)]).then(() => undefined)
      return stopped
    },
  }
}

const MAX_BODY = 64 * 1024 * 1024

/** Reads a request body (gunzipping it when sent gzip), capped at 64 MiB. */
export async function readBody(
  req: IncomingMessage,
): Promise<{ text: string; tooLarge: boolean } | undefined> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Uint8Array).byteLength
    if (size <= MAX_BODY) chunks.push(chunk as Uint8Array)
  }
  if (size === 0) return undefined
  if (size > MAX_BODY) return { text: '', tooLarge: true }
  let bytes = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    bytes.set(c, offset)
    offset += c.byteLength
  }
  if (/gzip/i.test(String(req.headers['content-encoding'] ?? ''))) {
    try {
      bytes = new Uint8Array(gunzipSync(bytes))
    } catch {
      return { text: '\u0000invalid gzip', tooLarge: false }
    }
  }
  return { text: new TextDecoder().decode(bytes), tooLarge: false }
}

/** Parses a GraphQL request body, or `invalid` when it is not a JSON object. */
function parseBody(text: string): GraphqlBody | 'invalid' {
  try {
    const value = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : 'invalid'
  } catch {
    return 'invalid'
  }
}

/** Listens and resolves with the port actually bound. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : port)
    })
  })
}

/** Closes a server and its open connections. */
export function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections?.()
  })
}
