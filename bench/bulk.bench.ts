/**
 * Bulk-export benchmark: runs/min and rows/s for `exportProject` (worker pool, governed requests)
 * against a plain sequential loop over the same project with the same API client options (list
 * the runs, then for one run at a time `run.scanHistory()` into a Parquet file), in one process,
 * against the W&B-compatible test server. With `--latency MS` every request waits that long on
 * the server first, as a stand-in for the round trip to a remote W&B API.
 *
 * Usage: `deno run -A bench/bulk.bench.ts [--runs 200] [--latency 0,25] [--concurrency 8]`
 * (or `bun bench/bulk.bench.ts ...`). Prints a markdown table and writes `bench/out/bulk.md`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Api } from '../src/api/api.ts'
import { exportProject } from '../src/bulk/bulk_export.ts'
import { exportToPath } from '../src/export/mod.ts'
import { runtimeName } from '../src/runtime.ts'
import type { Run } from '../src/api/run.ts'
import { generateRun } from '../tests/server/generate_run.ts'
import { startTestServer, type TestServer } from '../tests/server/test_server.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    runs: { type: 'string', default: '200' },
    latency: { type: 'string', default: '0,25' },
    concurrency: { type: 'string', default: '8' },
  },
})
const RUNS = Number(values.runs)
const latencies = values.latency!.split(',').map(Number)
const concurrency = Number(values.concurrency)
const codec = 'zstd'

/** Steps of run `i`: 200 to 999, varied, so runs differ in size as in a real project. */
function steps(i: number): number {
  return 200 + (i * 37) % 800
}

/** A server holding the project, every request delayed by `latencyMs`. */
async function projectServer(latencyMs: number): Promise<TestServer> {
  const server = await startTestServer()
  for (let i = 0; i < RUNS; i++) {
    server.addRun(generateRun({
      entity: 'bench',
      project: 'bulk',
      id: `r${String(i).padStart(4, '0')}`,
      steps: steps(i),
      seed: i + 1,
      metrics: 8,
      nested: i % 4 === 0,
    }))
  }
  if (latencyMs > 0) server.fault({ kind: 'slow', delayMs: latencyMs, probability: 1 })
  return server
}

interface Measure {
  ms: number
  rows: number
  requests: number
}

/** The sequential loop a script would write: list, then one run at a time into a Parquet file. */
async function sequential(server: TestServer, dir: string): Promise<Measure> {
  const api = new Api({ baseUrl: server.baseUrl, apiKey: server.apiKey })
  mkdirSync(dir, { recursive: true })
  const before = server.requests.length
  const t0 = performance.now()
  const runs: Run[] = []
  for await (const page of api.runs('bench/bulk', { lazy: false })) runs.push(...page)
  let rows = 0
  for (const run of runs) {
    const result = await exportToPath(run.scanHistory(), join(dir, `${run.id}.parquet`), { codec })
    rows += result.rows
  }
  return { ms: performance.now() - t0, rows, requests: server.requests.length - before }
}

/** `exportProject` with the worker pool and the governor. */
async function bulk(server: TestServer, dir: string): Promise<Measure> {
  const before = server.requests.length
  const t0 = performance.now()
  const result = await exportProject({
    source: 'bench/bulk',
    out: dir,
    api: { baseUrl: server.baseUrl, apiKey: server.apiKey },
    concurrency,
    codec,
  })
  if (!result.complete) throw new Error(`the bulk export did not complete: ${result.failures}`)
  return {
    ms: performance.now() - t0,
    rows: result.progress.rows,
    requests: server.requests.length - before,
  }
}

const lines = [
  `Bulk export benchmark, ${runtimeName} ${process.versions[runtimeName as 'node'] ?? ''}, ${
    new Date().toISOString().slice(0, 10)
  }, ${RUNS} runs.`,
  `Test server in the same process; runs of 200-999 steps with 8 metrics (every fourth also a nested \`eval\`), history only, Parquet (${codec}). ` +
  `Sequential: list the runs, then \`exportToPath(run.scanHistory())\` one run at a time. Bulk: \`exportProject\` with ${concurrency} workers (runs table, manifest, sha256 and fsync included). ` +
  'Latency: every request waits that long on the server first (a stand-in for the round trip to a remote API).',
  '',
  '| latency ms | method | seconds | runs/min | rows/s | requests | speed-up |',
  '|---:|---|---:|---:|---:|---:|---:|',
]
/** Runs one method against a fresh server (the server builds its Parquet exports on first use). */
async function measure(
  latency: number,
  method: (server: TestServer, dir: string) => Promise<Measure>,
): Promise<Measure> {
  const server = await projectServer(latency)
  const dir = mkdtempSync(join(tmpdir(), 'wbx-bulk-bench-'))
  try {
    return await method(server, dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await server.stop()
  }
}

for (const latency of latencies) {
  const seq = await measure(latency, (server, dir) => sequential(server, join(dir, 'seq')))
  const par = await measure(latency, (server, dir) => bulk(server, join(dir, 'bulk')))
  if (seq.rows !== par.rows) throw new Error(`row counts differ: ${seq.rows} vs ${par.rows}`)
  const methods = [['sequential loop', seq], [
    `exportProject (${concurrency} workers)`,
    par,
  ]] as const
  for (const [name, m] of methods) {
    const seconds = m.ms / 1000
    const runsPerMin = Math.round(RUNS / (seconds / 60)).toLocaleString('en-US')
    const rowsPerSecond = Math.round(m.rows / seconds).toLocaleString('en-US')
    const speedUp = m === seq ? '1.0×' : `${(seq.ms / m.ms).toFixed(1)}×`
    lines.push(
      `| ${latency} | ${name} | ${
        seconds.toFixed(2)
      } | ${runsPerMin} | ${rowsPerSecond} | ${m.requests} | ${speedUp} |`,
    )
  }
}
const text = lines.join('\n') + '\n'
console.log(text)
const out = fileURLToPath(new URL('./out/', import.meta.url))
mkdirSync(out, { recursive: true })
writeFileSync(join(out, 'bulk.md'), text)
