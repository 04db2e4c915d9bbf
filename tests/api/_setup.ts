/** Shared set-up for the API client tests: a seeded test server and a fast-retrying Api. */
import { Api } from '../../src/api/api.ts'
import type { ApiOptions } from '../../src/api/api_options.ts'
import { HttpGraphqlTransport } from '../../src/api/transport.ts'
import type { Row } from '../../src/row.ts'
import type { FaultHandle, FaultRule } from '../server/faults.ts'
import { generateRun, type GenerateRunOptions } from '../server/generate_run.ts'
import type { RequestLogEntry } from '../server/request_log.ts'
import { startTestServer, type TestServer, type TestServerOptions } from '../server/test_server.ts'

/** The entity, project and run id the default seed uses. */
export const ENTITY = 'test-entity'
export const PROJECT = 'test-project'
export const RUN_ID = 'run1'

/** Starts a server with one generated run (`test-entity/test-project/run1`, 20 steps) plus `extra` runs. */
export async function startServer(
  run: GenerateRunOptions = {},
  extra: GenerateRunOptions[] = [],
  options: TestServerOptions = {},
): Promise<TestServer> {
  const server = await startTestServer(options)
  server.addRun(generateRun({ id: RUN_ID, steps: 20, ...run }))
  for (const r of extra) server.addRun(generateRun(r))
  return server
}

/** An Api for `server` with millisecond retry waits (so fault tests run fast). */
export function apiFor(server: TestServer, options: ApiOptions = {}): Api {
  return new Api({
    baseUrl: server.baseUrl,
    apiKey: server.apiKey,
    retryWaitMinMs: 5,
    retryWaitMaxMs: 20,
    timeoutMs: 2_000,
    ...options,
  })
}

/** Reads a stream of batches into one flat array. */
export async function drain<T>(stream: ReadableStream<T[]>): Promise<T[]> {
  const out: T[] = []
  const reader = stream.getReader()
  while (true) {
    const { done, value } = await reader.read()
    if (done) return out
    out.push(...value)
  }
}

/** Reads a whole stream of batches into rows, failing on an empty batch (a reader must not send one). */
export async function collect(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return rows
    if (value.length === 0) throw new Error('empty batch')
    for (const row of value) rows.push(row)
  }
}

/** Runs `fn` with a started server and always stops it. */
export async function withServer<T>(
  fn: (server: TestServer) => Promise<T>,
  run: GenerateRunOptions = {},
  extra: GenerateRunOptions[] = [],
  options: TestServerOptions = {},
): Promise<T> {
  const server = await startServer(run, extra, options)
  try {
    return await fn(server)
  } finally {
    await server.stop()
  }
}

/** A client transport for `server` with its API key, 2 retries and millisecond waits. */
export function transportFor(server: TestServer): HttpGraphqlTransport {
  return new HttpGraphqlTransport({
    baseUrl: server.baseUrl,
    apiKey: server.apiKey,
    policy: { retries: 2, retryWaitMinMs: 1, retryWaitMaxMs: 5, timeoutMs: 5000 },
  })
}

/** The GraphQL requests `server` received, in order. */
export function graphqlRequests(server: TestServer): RequestLogEntry[] {
  return server.requests.filter((r) => r.origin === 'api' && r.path === '/graphql')
}

/** The requests the files origin (signed URLs) received, in order. */
export function fileRequests(server: TestServer): RequestLogEntry[] {
  return server.requests.filter((r) => r.origin === 'files')
}

/** The GraphQL document of a logged request. */
export function queryOf(entry: RequestLogEntry): string {
  return String(JSON.parse(entry.body).query ?? '')
}

/** Fails the next GETs to the files origin, one fault each, in the order given. */
export function queueFileFaults(
  server: TestServer,
  ...faults: Omit<FaultRule, 'origin' | 'method' | 'count'>[]
): FaultHandle[] {
  return faults.map((f) => server.fault({ ...f, origin: 'files', method: 'GET', count: 1 }))
}

/**
 * The `exportTailBytes` whose first read holds exactly the footer of a Parquet file (its
 * metadata, length and magic), so tests of row-group reads see one request per group.
 */
export function footerOnly(file: Uint8Array): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  return view.getUint32(file.byteLength - 8, true) + 8
}
