/**
 * A hostile server for the network tests: a proxy in front of the W&B test server (both of its
 * origins) that rewrites GraphQL answers and storage bodies by rule, plus an "evil" third origin
 * that answers 200 to anything and logs every request.
 *
 * Clients talk to `proxy.baseUrl`; signed URLs and redirects in the test server's answers are
 * rewritten to point at the proxy's files origin, so storage requests pass through it too. Each
 * rule matches by origin, GraphQL operation, path and method, fires `count` times (default
 * unlimited) or with a seeded probability, and can change the request's headers, rewrite the
 * answer's JSON, replace the answer, or deliver the body slowly or endlessly. Helpers below build
 * the rules the tests use (dropped rows, endless paging, oversize and slow bodies, ...).
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { seededRandom } from '../server/faults.ts'
import { type GraphqlBody, operationNameOf } from '../server/graphql_schema.ts'
import type { TestServer } from '../server/test_server.ts'

/** Any JSON value a rule rewrites (answers are arbitrary shapes, changed in place). */
// deno-lint-ignore no-explicit-any
export type Json = any

/** Which origin of the proxy a request reached. */
export type HostileOrigin = 'api' | 'files'

/** A request as rules see it. */
export interface HostileRequest {
  origin: HostileOrigin
  method: string
  /** Path without the query string. */
  path: string
  /** Path plus query string. */
  url: string
  /** Request headers (lower-case names); a rule's `request` hook may change them. */
  headers: Record<string, string>
  /** GraphQL operation name (API origin). */
  operation?: string
  /** GraphQL variables (API origin). */
  variables?: Record<string, unknown>
  /** The request body as forwarded; a rule's `request` hook may replace it. */
  body: Uint8Array<ArrayBuffer>
}

/** An answer: status, headers and a body given whole or as chunks. */
export interface HostileAnswer {
  /** HTTP status; 0 drops the connection without answering. */
  status: number
  /** Cut the connection after this many body bytes (a truncated body). */
  cutAt?: number
  headers: Record<string, string>
  /** The whole body, or chunks produced on demand (endless bodies never end). */
  body: Uint8Array | (() => AsyncIterable<Uint8Array>)
}

/** One rewrite rule. */
export interface HostileRule {
  /** Only this origin; @default both */
  origin?: HostileOrigin
  /** Only this GraphQL operation. */
  operation?: string
  /** Only paths starting with this string or matching this RegExp. */
  path?: string | RegExp
  /** Only this method (upper-case). */
  method?: string
  /** Only requests this accepts (e.g. by GraphQL variables). */
  when?: (req: HostileRequest) => boolean
  /** Times the rule fires; @default unlimited */
  count?: number
  /** Chance to fire per matching request (seeded); @default 1 */
  probability?: number
  /** Changes the request before it is forwarded (e.g. removes `range`). */
  request?: (req: HostileRequest) => void
  /** Answers without asking the test server. */
  respond?: (req: HostileRequest) => HostileAnswer
  /** Rewrites a JSON answer (GraphQL `{data}`); return the new value. */
  json?: (value: Json, req: HostileRequest) => unknown
  /** Replaces the answer (after `json`). */
  reply?: (answer: HostileAnswer, req: HostileRequest) => HostileAnswer
}

/** One request the proxy (or the evil origin) saw. */
export interface HostileLogEntry extends HostileRequest {
  /** Epoch ms of arrival. */
  at: number
  /** Status sent (0 before the head was written). */
  status: number
  /** Body bytes written before the answer ended or the client went away. */
  bytesSent: number
  /** Whether a rule fired on it. */
  rewritten: boolean
}

/** A running hostile proxy. */
export interface HostileServer {
  /** API origin of the proxy (for `Api({baseUrl})` / `WANDB_BASE_URL`). */
  readonly baseUrl: string
  /** Files origin of the proxy (signed URLs in answers point here). */
  readonly filesOrigin: string
  /** The evil origin: answers 200 `evil` to anything and logs it in `evilRequests`. */
  readonly evilOrigin: string
  /** The API key of the test server behind. */
  readonly apiKey: string
  /** Every request on the proxy's two origins. */
  readonly requests: HostileLogEntry[]
  /** Every request the evil origin received. */
  readonly evilRequests: HostileLogEntry[]
  /** Adds a rule; rules are tried in order, the first that fires wins. Returns a remover. */
  rule(rule: HostileRule): { fired(): number; remove(): void }
  /** Removes every rule. */
  clear(): void
  /** Stops the proxy and the evil origin (not the test server). */
  stop(): Promise<void>
}

interface ActiveRule {
  rule: HostileRule
  fired: number
}

/** Starts the proxy in front of `upstream` and the evil origin; `seed` drives probabilities. */
export async function startHostileServer(upstream: TestServer, seed = 1): Promise<HostileServer> {
  let rules: ActiveRule[] = []
  const random = seededRandom(seed)
  const requests: HostileLogEntry[] = []
  const evilRequests: HostileLogEntry[] = []
  const api = createServer()
  const files = createServer()
  const evil = createServer()
  const apiPort = await listen(api)
  const filesPort = await listen(files)
  const evilPort = await listen(evil)
  const baseUrl = `http://127.0.0.1:${apiPort}`
  const filesOrigin = `http://127.0.0.1:${filesPort}`
  const evilOrigin = `http://127.0.0.1:${evilPort}`
  const toProxy = (text: string) =>
    text.replaceAll(upstream.filesOrigin, filesOrigin).replaceAll(upstream.baseUrl, baseUrl)

  const pick = (req: HostileRequest): HostileRule | undefined => {
    for (const active of rules) {
      const r = active.rule
      if (r.origin && r.origin !== req.origin) continue
      if (r.method && r.method !== req.method) continue
      if (r.operation && r.operation !== req.operation) continue
      if (r.path !== undefined) {
        const ok = typeof r.path === 'string' ? req.path.startsWith(r.path) : r.path.test(req.path)
        if (!ok) continue
      }
      if (r.when && !r.when(req)) continue
      if (active.fired >= (r.count ?? Infinity)) continue
      if (r.probability !== undefined && random() >= r.probability) continue
      active.fired++
      return r
    }
    return undefined
  }

  // A client that goes away mid-request (a killed export) must not become an uncaught error.
  const serve = (origin: HostileOrigin) => (req: IncomingMessage, res: ServerResponse) => {
    handle(origin, req, res).catch(() => res.destroy())
  }

  const handle = async (origin: HostileOrigin, req: IncomingMessage, res: ServerResponse) => {
    const body = await readAll(req)
    const url = new URL(req.url ?? '/', 'http://x')
    const entry: HostileLogEntry = {
      origin,
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      url: url.pathname + url.search,
      headers: plainHeaders(req),
      at: Date.now(),
      status: 0,
      bytesSent: 0,
      rewritten: false,
      body,
    }
    if (origin === 'api' && body.byteLength > 0) {
      try {
        const parsed = JSON.parse(new TextDecoder().decode(body)) as GraphqlBody
        entry.operation = operationNameOf(parsed)
        if (parsed.variables && typeof parsed.variables === 'object') {
          entry.variables = parsed.variables as Record<string, unknown>
        }
      } catch { /* not GraphQL: forwarded as is */ }
    }
    requests.push(entry)
    const rule = pick(entry)
    entry.rewritten = rule !== undefined
    try {
      rule?.request?.(entry)
      let answer = rule?.respond
        ? rule.respond(entry)
        : await forward(origin === 'api' ? upstream.baseUrl : upstream.filesOrigin, entry)
      if (rule?.json && answer.body instanceof Uint8Array) {
        const value = JSON.parse(new TextDecoder().decode(answer.body))
        answer = {
          ...answer,
          body: new TextEncoder().encode(JSON.stringify(rule.json(value, entry))),
        }
      }
      if (rule?.reply) answer = rule.reply(answer, entry)
      await send(res, answer, entry)
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' })
        res.end(`hostile proxy: ${(err as Error).message}`)
      } else res.destroy()
    }
  }

  /** Asks the test server, rewriting its origins in the answer to the proxy's. */
  const forward = async (
    target: string,
    req: HostileRequest,
  ): Promise<HostileAnswer> => {
    const headers = new Headers()
    for (const [k, v] of Object.entries(req.headers)) {
      if (!['host', 'connection', 'content-length', 'accept-encoding'].includes(k)) {
        headers.set(k, v)
      }
    }
    const response = await fetch(target + req.url, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body,
      redirect: 'manual',
    })
    const out: Record<string, string> = {}
    const head = req.method === 'HEAD'
    response.headers.forEach((v, k) => {
      if (head && k === 'content-length') out[k] = v // a HEAD answer has no body to measure
      else if (
        !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)
      ) {
        out[k] = k === 'location' ? toProxy(v) : v
      }
    })
    let bytes = new Uint8Array(await response.arrayBuffer())
    if (req.origin === 'api' && /json/.test(out['content-type'] ?? '')) {
      bytes = new TextEncoder().encode(toProxy(new TextDecoder().decode(bytes)))
    }
    return { status: response.status, headers: out, body: bytes }
  }

  /** Writes an answer, counting the bytes and stopping when the client goes away. */
  const send = async (res: ServerResponse, answer: HostileAnswer, entry: HostileLogEntry) => {
    let closed = false
    res.once('close', () => closed = true)
    const headers = { ...answer.headers }
    if (
      answer.body instanceof Uint8Array && !(entry.method === 'HEAD' && headers['content-length'])
    ) {
      headers['content-length'] = String(answer.body.byteLength)
    }
    res.writeHead(answer.status, headers)
    entry.status = answer.status
    if (entry.method === 'HEAD') return void res.end()
    if (answer.body instanceof Uint8Array && answer.cutAt !== undefined) {
      const part = answer.body.subarray(0, Math.min(answer.cutAt, answer.body.byteLength - 1))
      entry.bytesSent = part.byteLength
      res.write(part, () => setTimeout(() => res.socket?.destroy(), 5))
      return
    }
    if (answer.body instanceof Uint8Array) {
      entry.bytesSent = answer.body.byteLength
      return void res.end(answer.body)
    }
    for await (const chunk of answer.body()) {
      if (closed || res.destroyed) return
      entry.bytesSent += chunk.byteLength
      if (!res.write(chunk)) {
        await new Promise<void>((r) => {
          const done = () => {
            res.off('drain', done)
            res.off('close', done)
            r()
          }
          res.on('drain', done)
          res.on('close', done)
        })
      }
    }
    if (!closed) res.end()
  }

  api.on('request', serve('api'))
  files.on('request', serve('files'))
  evil.on('request', async (req, res) => {
    if (!(await readAll(req).then(() => true, () => false))) return void res.destroy()
    const url = new URL(req.url ?? '/', 'http://x')
    evilRequests.push({
      origin: 'files',
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      url: url.pathname + url.search,
      headers: plainHeaders(req),
      at: Date.now(),
      status: 200,
      bytesSent: 4,
      rewritten: false,
      body: new Uint8Array(0),
    })
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '4' })
    res.end('evil')
  })

  return {
    baseUrl,
    filesOrigin,
    evilOrigin,
    apiKey: upstream.apiKey,
    requests,
    evilRequests,
    rule(rule) {
      const active = { rule, fired: 0 }
      rules.push(active)
      return { fired: () => active.fired, remove: () => rules = rules.filter((r) => r !== active) }
    },
    clear: () => rules = [],
    stop: () => Promise.all([close(api), close(files), close(evil)]).then(() => undefined),
  }
}

// ---- Rule helpers -------------------------------------------------------------------------

const encoder = new TextEncoder()

/** The `history` row texts of a `HistoryPage` answer (or undefined). */
function historyOf(value: Json): string[] | undefined {
  return value?.data?.project?.run?.history ?? undefined
}

/** `HistoryPage` answers lose rows for which `drop(step, index)` is true. */
export function dropHistoryRows(drop: (step: number, index: number) => boolean): HostileRule {
  return {
    operation: 'HistoryPage',
    json: (value) => {
      const rows = historyOf(value)
      if (rows) {
        value.data.project.run.history = rows.filter((t, i) => !drop(JSON.parse(t)._step, i))
      }
      return value
    },
  }
}

/** `HistoryPage` answers carry `_step` as a string (`"12"`). */
export function stringSteps(): HostileRule {
  return {
    operation: 'HistoryPage',
    json: (value) => {
      const rows = historyOf(value)
      if (rows) {
        value.data.project.run.history = rows.map((t) => {
          const row = JSON.parse(t)
          return JSON.stringify({ ...row, _step: String(row._step) })
        })
      }
      return value
    },
  }
}

/** `HistoryPage` answers repeat each row's step with different values (the second row differs). */
export function conflictingSteps(): HostileRule {
  return {
    operation: 'HistoryPage',
    json: (value) => {
      const rows = historyOf(value)
      if (rows && rows.length > 0) {
        const row = JSON.parse(rows[0])
        rows.splice(1, 0, JSON.stringify({ ...row, conflicting: 'second row' }))
      }
      return value
    },
  }
}

/**
 * Connection answers (runs, files, artifacts) always say `hasNextPage: true`: with the same
 * cursor every time, alternating between two, or a fresh one each time; `dropTotals` also removes
 * the declared totals (`runCount`, `fileCount`, `totalCount`).
 */
export function endlessPaging(
  operation: string,
  mode: 'same' | 'alternating' | 'fresh',
  options: { dropTotals?: boolean } = {},
): HostileRule {
  let n = 0
  const rewrite = (node: Json): void => {
    if (node === null || typeof node !== 'object') return
    if (options.dropTotals) {
      for (const key of ['runCount', 'fileCount', 'totalCount']) {
        if (key in node) node[key] = null
      }
    }
    if (node.pageInfo && Array.isArray(node.edges)) {
      n++
      const cursor = mode === 'same' ? 'c-same' : mode === 'alternating' ? `c-${n % 2}` : `c-${n}`
      node.pageInfo = { ...node.pageInfo, hasNextPage: true, endCursor: cursor }
      for (const edge of node.edges) edge.cursor = cursor
      return
    }
    for (const child of Object.values(node)) rewrite(child)
  }
  return {
    operation,
    // The fake cursors mean nothing to the test server: every page asked for is its first page.
    request: (req) => {
      const body = JSON.parse(new TextDecoder().decode(req.body))
      for (const key of ['cursor', 'fileCursor']) {
        if (body.variables && key in body.variables) body.variables[key] = null
      }
      req.body = encoder.encode(JSON.stringify(body))
    },
    json: (value) => {
      rewrite(value)
      return value
    },
  }
}

/** The body goes on past its end with `extra` bytes of filler (sent in 64 KiB chunks). */
export function oversizeBody(extra: number, keepLength = false): HostileRule['reply'] {
  return (answer) => {
    const head = answer.body as Uint8Array
    const headers = { ...answer.headers }
    if (keepLength) headers['content-length'] = String(head.byteLength)
    return {
      status: answer.status,
      headers,
      body: async function* () {
        yield head
        const chunk = new Uint8Array(64 * 1024).fill(0x20)
        for (let sent = 0; sent < extra; sent += chunk.byteLength) yield chunk
      },
    }
  }
}

/** The body arrives `bytes` at a time, one piece every `intervalMs`. */
export function slowDrip(bytes: number, intervalMs: number): HostileRule['reply'] {
  return (answer) => {
    const whole = answer.body as Uint8Array
    return {
      status: answer.status,
      headers: { ...answer.headers, 'content-length': String(whole.byteLength) },
      body: async function* () {
        for (let i = 0; i < whole.byteLength; i += bytes) {
          yield whole.subarray(i, i + bytes)
          await new Promise((r) => setTimeout(r, intervalMs))
        }
      },
    }
  }
}

/** A request without its `Range` header: the files origin sends the whole body with 200. */
export function ignoreRange(req: HostileRequest): void {
  delete req.headers.range
}

/** Drops the connection without an answer. */
export function dropAnswer(): HostileAnswer {
  return { status: 0, headers: {}, body: new Uint8Array(0) }
}

/** The answer as it came, cut off halfway through its body. */
export function truncated(answer: HostileAnswer): HostileAnswer {
  const body = answer.body as Uint8Array
  return { ...answer, cutAt: Math.floor(body.byteLength / 2) }
}

/** A JSON value nested `depth` levels: `{"k":{"k":...1...}}`. */
export function deepJsonText(depth: number, key = 'k'): string {
  return `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth)
}

/** Whether a GraphQL request is about run `id` (its `run`, `name` or `runName` variable). */
export function forRun(id: string): (req: HostileRequest) => boolean {
  // `runName` is how RunParquetHistory (wandb-core's variables) names the run.
  return (req) =>
    req.variables?.run === id || req.variables?.name === id || req.variables?.runName === id
}

/** A storage-style error answer with an optional `Retry-After`. */
export function statusAnswer(status: number, retryAfter?: number | string): HostileAnswer {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter)
  return {
    status,
    headers,
    body: encoder.encode(JSON.stringify({ errors: [{ message: `hostile HTTP ${status}` }] })),
  }
}

// ---- plumbing --------------------------------------------------------------------------------

function plainHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

async function readAll(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = []
  for await (const c of req) chunks.push(c as Uint8Array)
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : 0)
    })
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections?.()
  })
}
