/**
 * The test server for the remote benchmark, run in its own process so that its CPU time and
 * memory are not charged to the client under test (it still shares the machine's cores).
 *
 * Usage: `deno run -A bench/remote_server.ts [--latency MS] ENTITY/PROJECT/ID:STEPS:METRICS[:graphql]
 * ...`.
 * Each spec adds a generated run (`generateRun`, seed 1, so the same spec always holds the same
 * values); `:graphql` leaves the run unexported, so readers page it through GraphQL. Before
 * answering, the server builds every export by asking itself for `parquetHistory`, so no
 * client pays for the build. From then on every request waits `--latency` ms first (the test
 * server's `slow` fault on both origins), a stand-in for the round trip to a real W&B server.
 * Then it prints one JSON line ({@linkcode ServerReady}) and serves until SIGTERM or SIGINT.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import process from 'node:process'
import { generateRun } from '../tests/server/generate_run.ts'
import { startTestServer } from '../tests/server/test_server.ts'
import {
  HISTORY_PAGE_QUERY,
  RUN_FULL_QUERY,
  RUN_PARQUET_HISTORY_QUERY,
} from '../src/api/queries.ts'
import { parseRunSpec, type ServedRun, type ServerReady } from './remote_common.ts'

/** A run spec as parsed. */
type ParsedRun = ReturnType<typeof parseRunSpec>

/** POSTs one GraphQL document to the server with the key and returns the parsed body. */
async function graphql(
  baseUrl: string,
  apiKey: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Basic ' + Buffer.from(`api:${apiKey}`).toString('base64'),
    },
    body: JSON.stringify({ query, variables }),
  })
  return await response.json()
}

/**
 * Warms a run up the way a client would read it (run query, one history page), so the first
 * measured case does not pay for the server's JIT; returns the sizes of its export files, which
 * asking for them builds.
 */
async function warmRun(baseUrl: string, apiKey: string, run: ParsedRun): Promise<number[]> {
  const [entity, project, name] = run.path.split('/')
  await graphql(baseUrl, apiKey, RUN_FULL_QUERY.document, { entity, project, name })
  await graphql(baseUrl, apiKey, HISTORY_PAGE_QUERY.document, {
    entity,
    project,
    run: name,
    minStep: 0,
    maxStep: Math.min(1000, run.steps),
    pageSize: Math.min(1000, run.steps),
  })
  if (!run.exported) return []
  // deno-lint-ignore no-explicit-any
  const body: any = await graphql(baseUrl, apiKey, RUN_PARQUET_HISTORY_QUERY.document, {
    entity,
    project,
    runName: name,
    liveKeys: ['_step'],
  })
  const urls: string[] = body?.data?.project?.run?.parquetHistory?.parquetUrls ?? []
  const sizes: number[] = []
  for (const url of urls) {
    const head = await fetch(url, { method: 'HEAD' })
    sizes.push(Number(head.headers.get('content-length') ?? 0))
  }
  return sizes
}

/**
 * Starts the server with the runs of `specs`, builds their exports, then delays every later
 * request by `latencyMs`; returns what it serves.
 */
async function serve(
  specs: string[],
  latencyMs: number,
): Promise<{ ready: ServerReady; stop: () => Promise<void> }> {
  const parsed = specs.map(parseRunSpec)
  const server = await startTestServer({
    runs: parsed.map((r) => {
      const [entity, project, id] = r.path.split('/')
      return generateRun({
        entity,
        project,
        id,
        steps: r.steps,
        metrics: r.metrics,
        parquetExport: r.exported,
      })
    }),
  })
  const t = performance.now()
  const runs: ServedRun[] = []
  for (const r of parsed) {
    const sizes = await warmRun(server.baseUrl, server.apiKey, r)
    if (r.exported && sizes.length === 0 && r.steps > 0) {
      throw new Error(`Cannot build the export of ${r.path}: the server listed no export files`)
    }
    runs.push({ ...r, exportFiles: sizes.length, exportBytes: sizes.reduce((a, b) => a + b, 0) })
  }
  if (latencyMs > 0) server.fault({ kind: 'slow', delayMs: latencyMs, probability: 1 })
  const ready = {
    baseUrl: server.baseUrl,
    apiKey: server.apiKey,
    runs,
    buildMs: performance.now() - t,
  }
  return { ready, stop: () => server.stop() }
}

const args = process.argv.slice(2)
let latencyMs = 0
if (args[0] === '--latency') {
  latencyMs = Number(args[1])
  args.splice(0, 2)
}
if (args.length === 0 || !Number.isInteger(latencyMs) || latencyMs < 0) {
  process.stderr.write(
    'usage: deno run -A bench/remote_server.ts [--latency MS] ENTITY/PROJECT/ID:STEPS:METRICS[:graphql] ...\n',
  )
  process.exit(2)
}
try {
  const { ready, stop } = await serve(args, latencyMs)
  process.stdout.write(JSON.stringify(ready) + '\n')
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await stop()
  process.exit(0)
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`)
  process.exit(1)
}
