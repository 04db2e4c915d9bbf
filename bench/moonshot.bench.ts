/**
 * The wandb/wandb#6951 case at any size: `wbx export` (default settings) of a generated project
 * against the test server limiting like W&B (rate limit per API key, lognormal latency, storage
 * bandwidth), optionally the official SDK on 30 threads over a sample of the runs, extrapolated,
 * and the floor the rate limit sets. Reports wall, requests, 429s, utilisation of the limit,
 * client CPU and peak RSS.
 *
 * Usage: `deno run -A bench/moonshot.bench.ts [--runs 5000] [--sizes pareto:500:300000:1.1]
 * [--rate 10] [--burst 20] [--latency-ms 100] [--storage-bandwidth 100MB] [--client deno|bun]
 * [--sdk-sample 0] [--sdk-threads 30] [--cold-exports] [--export-cache 1GiB] [--seed 1]
 * [--metrics 20]`. The server runs in this process (its CPU is not the client's, and is
 * reported beside it); each client is a child process measured with GNU time. Before measuring
 * the server lays out every export and keeps the encoded row groups (up to `--export-cache`), so
 * it does no encoding while a client runs unless the cache is too small or `--cold-exports`. Prints a markdown table and writes `bench/out/moonshot.md`.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { sdkEnv } from '../tests/_python.ts'
import { parseBandwidth } from '../tests/server/bandwidth.ts'
import { DEFAULT_SIZES } from '../tests/server/generated_project.ts'
import { startTestServer } from '../tests/server/test_server.ts'
import {
  type ChildMeasure,
  extrapolateWall,
  floorSeconds,
  type Limit,
  measureChild,
  minimumRequests,
  type RequestStats,
  requestStats,
  utilisation,
} from './moonshot_measure.ts'
import { executable, ROOT } from './remote_spawn.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    runs: { type: 'string', default: '50' },
    sizes: { type: 'string', default: DEFAULT_SIZES },
    metrics: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    rate: { type: 'string', default: '10' },
    burst: { type: 'string', default: '20' },
    'latency-ms': { type: 'string', default: '100' },
    'storage-bandwidth': { type: 'string' },
    client: { type: 'string', default: 'deno' },
    'sdk-sample': { type: 'string', default: '0' },
    'sdk-threads': { type: 'string', default: '30' },
    'cold-exports': { type: 'boolean', default: false },
    'export-cache': { type: 'string', default: '1GiB' },
  },
})
const RUNS = Number(values.runs)
const limit: Limit = { rate: Number(values.rate), burst: Number(values.burst) }
const latencyMs = Number(values['latency-ms'])
const bandwidth = values['storage-bandwidth']
const SDK_SAMPLE = Number(values['sdk-sample'])
const PROJECT = 'bench/moonshot'

/** One measured client. */
interface Row {
  client: string
  runs: number
  measured: ChildMeasure
  stats: RequestStats
  /** CPU the in-process server used meanwhile, ms. */
  serverCpuMs: number
  /** From the spawn to the client's first request, ms. */
  startupMs: number
  /** Wall extrapolated to the whole project (SDK sample), else undefined. */
  extrapolatedMs?: number
}

/** CPU this process (the server) has used, ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

const warmStart = performance.now()
const server = await startTestServer({
  limits: {
    rate: limit.rate,
    burst: limit.burst,
    latencyMs,
    storageBandwidth: bandwidth === undefined ? undefined : parseBandwidth(bandwidth),
  },
  generatedProjects: [{
    entity: 'bench',
    project: 'moonshot',
    runs: RUNS,
    seed: Number(values.seed),
    sizes: values.sizes,
    metrics: Number(values.metrics),
  }],
  warm: { exports: !values['cold-exports'] },
  exportCacheBytes: parseBandwidth(values['export-cache']!),
})
const info = server.generated[0]
const warmMs = performance.now() - warmStart
const scratch = mkdtempSync(join(tmpdir(), 'wbx-moonshot-'))
const rows: Row[] = []
try {
  const env = { ...process.env, WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: server.apiKey }
  const client = values.client!
  const cli = join(ROOT, 'cli.ts')
  const command = client === 'deno'
    ? [executable('deno'), 'run', '-A', cli]
    : [executable(client), cli]
  const out = join(scratch, 'wbx-export')
  const before = server.requests.length
  const cpu0 = cpuMs()
  const spawnedAt = Date.now()
  const measured = await measureChild(
    [...command, 'export', PROJECT, '-o', out, '-q'],
    env,
    join(scratch, 'time.txt'),
  )
  if (measured.code !== 0) {
    throw new Error(`wbx export failed (exit ${measured.code}):\n${measured.stderr}`)
  }
  rows.push({
    client: `wbx export (${client}, defaults)`,
    runs: RUNS,
    measured,
    stats: requestStats(server.requests.slice(before)),
    serverCpuMs: cpuMs() - cpu0,
    startupMs: (server.requests[before]?.receivedAt ?? NaN) - spawnedAt,
  })
  if (SDK_SAMPLE > 0) {
    const python = process.env.WBX_PYTHON
    if (!python) throw new Error('--sdk-sample needs WBX_PYTHON (a Python with wandb and pandas)')
    const dir = join(scratch, 'sdk')
    mkdirSync(join(dir, 'out'), { recursive: true })
    const sample = Math.min(SDK_SAMPLE, RUNS)
    const from = server.requests.length
    const sdkCpu0 = cpuMs()
    const sdkSpawnedAt = Date.now()
    const sdk = await measureChild(
      [python, join(ROOT, 'bench', 'moonshot_sdk.py'), server.baseUrl, server.apiKey, PROJECT]
        .concat([String(sample), values['sdk-threads']!, join(dir, 'out')]),
      sdkEnv(dir),
      join(scratch, 'time-sdk.txt'),
    )
    if (sdk.code !== 0) throw new Error(`SDK sample failed (exit ${sdk.code}):\n${sdk.stderr}`)
    const self = JSON.parse(sdk.stdout.trim().split('\n').pop()!)
    sdk.wallMs = self.ms // listing and exports only, not Python's start-up
    sdk.cpuMs = self.cpuMs
    sdk.peakRssMb = self.peakRssMb
    rows.push({
      client: `SDK, ${values['sdk-threads']} threads (sample)`,
      runs: sample,
      measured: sdk,
      stats: requestStats(server.requests.slice(from)),
      serverCpuMs: cpuMs() - sdkCpu0,
      startupMs: (server.requests[from]?.receivedAt ?? NaN) - sdkSpawnedAt,
      extrapolatedMs: extrapolateWall(self.ms, sample, RUNS, Number(values['sdk-threads'])),
    })
  }
} finally {
  await server.stop()
  rmSync(scratch, { recursive: true, force: true })
}

const floorReq = minimumRequests(RUNS)
const floorMs = floorSeconds(floorReq, limit) * 1000
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const lines = [
  `Project: ${RUNS} runs, ${info.totalRows} rows (sizes ${values.sizes}, ${values.metrics} metrics,` +
  ` seed ${values.seed}); limit ${limit.rate}/s burst ${limit.burst}, latency median ${latencyMs} ms` +
  `${bandwidth ? `, storage ${bandwidth}/s` : ''}.`,
  `Floor: ${floorReq} rate-limited requests (listing pages of 50 + one parquetHistory per run)` +
  ` → ${s(floorMs)}. Server set-up and warm-up: ${s(warmMs)}; row-group cache ${
    (server.store.rowGroupCache.bytes / 1e6).toFixed(0)
  } MB (${server.store.rowGroupCache.misses} row groups encoded while measuring).`,
  '',
  '| client | runs | wall | API requests (per run) | 429s | storage requests | utilisation of limit | wall ÷ floor | client CPU | peak RSS | server CPU | start-up |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
]
for (const r of rows) {
  const m = r.measured
  const allowed = r.stats.api - r.stats.refused
  const wall = r.extrapolatedMs === undefined
    ? s(m.wallMs)
    : `${s(m.wallMs)} (≈ ${s(r.extrapolatedMs)} for ${RUNS})`
  const floorShare = r.runs === RUNS && floorMs > 0 ? (m.wallMs / floorMs).toFixed(2) + '×' : '–'
  lines.push(
    `| ${r.client} | ${r.runs} | ${wall} | ${r.stats.api} (${
      (r.stats.api / r.runs).toFixed(2)
    }) | ` +
      `${r.stats.refused} | ${r.stats.storage} | ${
        (utilisation(allowed, limit, m.wallMs) * 100).toFixed(0)
      }% | ${floorShare} | ${s(m.cpuMs)} | ${m.peakRssMb.toFixed(0)} MB | ${s(r.serverCpuMs)} | ${
        s(r.startupMs)
      } |`,
  )
}
lines.push(
  '',
  'wbx wall is the whole process, start-up included; the SDK wall starts once wandb-core is up',
  '(its start-up, to the first request, is left out). Start-up: spawn to first request.',
  '',
  'API requests by operation:',
)
for (const r of rows) lines.push(`- ${r.client}: ${JSON.stringify(r.stats.byOperation)}`)
const text = lines.join('\n') + '\n'
process.stdout.write(text)
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true })
writeFileSync(join(ROOT, 'bench', 'out', 'moonshot.md'), text)
