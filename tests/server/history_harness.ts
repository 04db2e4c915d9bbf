/**
 * The test server's history harness: one hand-shaped run served by a GraphQL origin answering
 * only the history operations, and a second origin serving the run's Parquet exports (written
 * with hyparquet-writer) under signed-looking URLs, with HTTP range reads, a request log and
 * per-request faults. Where `startTestServer` models W&B as a whole, this shapes the export
 * itself (files, row groups, `_step` as DOUBLE, no statistics, a stale `liveData`) for the
 * history reader's tests (tests/api/history_*_test.ts). It shares the server's row flattening,
 * sampling and HTTP plumbing.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer'
import { parseJson } from '../../src/json/parse_json.ts'
import { stringifyJson } from '../../src/json/stringify_json.ts'
import type { Row } from '../../src/row.ts'
import { HttpGraphqlTransport } from '../../src/api/transport.ts'
import { flattenRow, sampleIndices } from './history_table.ts'
import { parseRange } from './files_origin.ts'
import { close, listen, readBody } from './test_server.ts'

/** The API key the harness accepts. */
export const API_KEY = 'local-' + 'k'.repeat(40)

/** How the harness exports and serves a run. */
export interface HarnessRun {
  entity: string
  project: string
  id: string
  /** The run's history as logged, sorted by `_step`. */
  rows: Row[]
  /** Rows exported to Parquet (the first `exported`); the rest are live. @default rows.length */
  exported?: number
  /** Whether the server has exports at all. @default true */
  exports?: boolean
  /** Export files the exported rows are split into. @default 1 */
  files?: number
  /** Rows per row group. @default 8 */
  rowGroupRows?: number
  /** Write `_step` as DOUBLE instead of INT64. @default false */
  stepAsDouble?: boolean
  /** Overrides `liveData` (e.g. a stale or early live boundary). */
  liveData?: unknown[]
  /** Write no column statistics. @default false */
  noStatistics?: boolean
}

/** A fault for one request to the files origin. */
export type FileFault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'drop' }
  | { kind: 'truncate' }

/** One request the files origin saw. */
export interface FileRequest {
  method: string
  path: string
  query: string
  range: string | undefined
  authorization: string | undefined
  cookie: string | undefined
}

/** One request the GraphQL origin saw. */
export interface GraphqlRequest {
  operation: string
  query: string
  variables: Record<string, unknown>
  authorization: string | undefined
}

/** A running harness. */
export interface Harness {
  /** The API base URL (GraphQL at `/graphql`). */
  apiUrl: string
  /** The files origin. */
  filesUrl: string
  /** A real client transport pointed at the harness, with the API key and fast retries. */
  transport: HttpGraphqlTransport
  /** Every GraphQL request, in order. */
  graphql: GraphqlRequest[]
  /** Every files-origin request, in order. */
  files: FileRequest[]
  /** Faults for the next ranged GETs to the files origin, used in order. */
  fileFaults: FileFault[]
  /** The export files' bytes. */
  exportBytes: Uint8Array[]
  /** Stops both servers. */
  close(): Promise<void>
}

/** Writes rows as one Parquet export: `_step` INT64 (or DOUBLE), numbers DOUBLE, booleans BOOLEAN, the rest STRING (objects as JSON text). */
function writeExport(rows: Row[], names: string[], run: HarnessRun): Uint8Array {
  const flat = rows.map((row) => flattenRow(row))
  const columnData: ColumnSource[] = names.map((name) => {
    const values = flat.map((r) => r[name] ?? null)
    const kinds = new Set(values.filter((v) => v !== null).map((v) => typeof v))
    if (name === '_step') {
      return run.stepAsDouble
        ? { name, type: 'DOUBLE', data: values as number[] }
        : { name, type: 'INT64', data: values.map((v) => BigInt(v as number)) }
    }
    if (kinds.size === 1 && kinds.has('number')) return { name, type: 'DOUBLE', data: values }
    if (kinds.size === 1 && kinds.has('boolean')) return { name, type: 'BOOLEAN', data: values }
    const text = values.map((v) =>
      v === null || typeof v === 'string' ? v : stringifyJson(v, { nan: 'literal' })
    )
    return { name, type: 'STRING', data: text }
  })
  const buffer = parquetWriteBuffer({
    columnData,
    rowGroupSize: run.rowGroupRows ?? 8,
    statistics: !run.noStatistics,
  })
  return new Uint8Array(buffer)
}

/** Splits the exported rows into files; every file shares the columns of all exported rows. */
function buildExports(run: HarnessRun): Uint8Array[] {
  if (run.exports === false) return []
  const exported = run.rows.slice(0, run.exported ?? run.rows.length)
  if (exported.length === 0) return []
  const names = ['_step']
  for (const row of exported) {
    for (const key of Object.keys(flattenRow(row))) if (!names.includes(key)) names.push(key)
  }
  const count = run.files ?? 1
  const per = Math.ceil(exported.length / count)
  const out: Uint8Array[] = []
  for (let i = 0; i < exported.length; i += per) {
    out.push(writeExport(exported.slice(i, i + per), names, run))
  }
  return out
}

/** Picks at most `samples` rows spread evenly, keeping first and last (W&B's downsampling). */
function sample<T>(rows: T[], samples: number): T[] {
  return sampleIndices(0, rows.length, samples).map((i) => rows[i])
}

/** Answers one GraphQL operation for the run. */
function answer(run: HarnessRun, urls: string[], op: string, v: Record<string, unknown>): unknown {
  const name = v.name ?? v.run ?? v.runName
  const found = v.entity === run.entity && v.project === run.project && name === run.id
  const wrap = (r: unknown) => ({ project: { run: found ? r : null } })
  const rows = run.rows
  const line = (r: Row) => stringifyJson(r, { nan: 'literal' })
  const last = rows.length ? rows[rows.length - 1]._step : -1
  switch (op) {
    case 'RunHistoryKeys':
      return wrap({ historyKeys: { keys: {}, lastStep: last } })
    case 'RunParquetHistory': {
      const live = rows.slice(run.exports === false ? rows.length : run.exported ?? rows.length)
      const liveData = run.liveData ?? live.map((r) => ({ _step: r._step }))
      return wrap({ parquetHistory: { parquetUrls: urls, liveData } })
    }
    case 'HistoryPage': {
      const inRange = rows.filter((r) =>
        (r._step as number) >= (v.minStep as number) && (r._step as number) < (v.maxStep as number)
      )
      return wrap({ history: sample(inRange, v.pageSize as number).map(line) })
    }
    case 'RunSampledHistory': {
      const spec = parseJson((v.specs as string[])[0]) as { keys: string[]; samples: number }
      const keys = [...new Set(spec.keys)]
      const matched = rows.filter((r) => keys.every((k) => r[k] !== undefined))
        .map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])))
      return wrap({ sampledHistory: [sample(matched, spec.samples)] })
    }
    case 'RunFullHistory':
      return wrap({
        history: sample(rows, v.samples as number).map(line),
        events: sample(rows.map((r) => ({ 'system.cpu': r._step })), v.samples as number)
          .map(line),
      })
  }
  throw new Error(`harness: unknown operation ${op}`)
}

/** Starts the GraphQL and files origins for one run. */
export async function startHarness(run: HarnessRun): Promise<Harness> {
  const exportBytes = buildExports(run)
  const graphql: GraphqlRequest[] = []
  const files: FileRequest[] = []
  const fileFaults: FileFault[] = []
  let urls: string[] = []

  const filesServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const range = req.headers.range
    files.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      range,
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
    })
    const m = /^\/exports\/(\d+)\.parquet$/.exec(url.pathname)
    const bytes = m && url.searchParams.get('Signature') === 'sig'
      ? exportBytes[Number(m[1])]
      : null
    if (!bytes) return void res.writeHead(403).end('bad signature')
    if (req.method === 'HEAD') {
      return void res.writeHead(200, { 'content-length': bytes.length }).end()
    }
    // Closed, open-ended and suffix ranges, as GCS and S3 answer them (see files_origin.ts).
    const r = parseRange(range, bytes.length)
    if (r === 'unsatisfiable') {
      return void res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end()
    }
    const [start, end] = r ?? [0, bytes.length - 1]
    const body = bytes.subarray(start, end + 1)
    const fault = fileFaults.shift()
    const headers: Record<string, string | number> = { 'content-length': body.length }
    if (r) headers['content-range'] = `bytes ${start}-${end}/${bytes.length}`
    if (fault?.kind === 'status') {
      const h = fault.retryAfter ? { 'retry-after': fault.retryAfter } : undefined
      return void res.writeHead(fault.status, h).end('fault')
    }
    if (fault?.kind === 'drop') return void req.socket.destroy()
    res.writeHead(r ? 206 : 200, headers)
    if (fault?.kind === 'truncate') {
      res.write(body.subarray(0, Math.floor(body.length / 2)))
      return void setTimeout(() => req.socket.destroy(), 5)
    }
    res.end(body)
  })

  const apiServer = createServer(async (req, res) => {
    const payload = JSON.parse((await readBody(req))?.text ?? '')
    const operation = /\b(?:query|mutation)\s+(\w+)/.exec(payload.query)?.[1] ?? ''
    graphql.push({
      operation,
      query: payload.query,
      variables: payload.variables ?? {},
      authorization: req.headers.authorization,
    })
    const expected = 'Basic ' + btoa(`api:${API_KEY}`)
    if (req.headers.authorization !== expected) {
      return void res.writeHead(401, { 'content-type': 'application/json' })
        .end('{"errors":[{"message":"unauthorized"}]}')
    }
    const data = answer(run, urls, operation, payload.variables ?? {})
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }))
  })

  const [apiPort, filesPort] = await Promise.all([
    listen(apiServer, '127.0.0.1', 0),
    listen(filesServer, '127.0.0.1', 0),
  ])
  const apiUrl = `http://127.0.0.1:${apiPort}`
  const filesUrl = `http://127.0.0.1:${filesPort}`
  urls = exportBytes.map((_, i) => `${filesUrl}/exports/${i}.parquet?Expires=1&Signature=sig`)
  const transport = new HttpGraphqlTransport({
    baseUrl: apiUrl,
    apiKey: API_KEY,
    policy: { retries: 2, waitMinMs: 1, waitMaxMs: 5, timeoutMs: 5000 },
  })
  return {
    apiUrl,
    filesUrl,
    transport,
    graphql,
    files,
    fileFaults,
    exportBytes,
    close: async () => {
      await Promise.all([close(filesServer), close(apiServer)])
    },
  }
}

/** A sparse run like real training logs: gaps, nested dicts, media, strings, NaN and ±Infinity. */
export function sampleRows(count = 60): Row[] {
  const rows: Row[] = []
  for (let step = 0; step < count + 10; step++) {
    if (step >= 20 && step < 30) continue // a gap of ten steps with no rows
    const row: Row = { _step: step, _runtime: step * 0.5, _timestamp: 1_700_000_000 + step }
    row.loss = step === 7 ? NaN : step === 13 ? Infinity : step === 14 ? -Infinity : 1 / (step + 1)
    if (step % 2 === 0) row.acc = step / 100
    if (step % 10 === 0) row['val/loss'] = step / 7
    if (step % 3 === 0) row.dict = step % 6 === 0 ? { a: step, b: step * 2 } : { a: step }
    if (step === 5 || step === 50) row.img = { _type: 'image-file', path: `media/${step}.png` }
    if (step % 11 === 0) row.note = `note ${step}`
    if (step % 4 === 1) row.flag = step % 8 === 1
    if (step === 33) row.series = [1, 2, NaN]
    rows.push(row)
  }
  return rows
}
