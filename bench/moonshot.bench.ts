/**
 * The wandb/wandb#6951 case at any size: `wbx export` (default settings) of a generated project
 * against the test server limiting like W&B (rate limit per API key, lognormal latency, storage
 * bandwidth), optionally the official SDK on 30 threads over a sample of the runs, extrapolated,
 * and the floor the rate limit sets, for each rate limit setting (one server, warmed once; the
limit is swapped between settings). Reports wall, requests, 429s, utilisation of the limit,
 * client CPU and peak RSS.
 *
 * Usage: `deno run -A bench/moonshot.bench.ts [--runs 5000] [--sizes pareto:500:300000:1.1]
 * [--rate 10,50] [--burst 20,100] [--latency-ms 100] [--storage-bandwidth 100MB] [--client deno|bun|node]
 * [--sdk-sample 0] [--sdk-threads 30] [--cold-exports] [--export-cache 1GiB] [--seed 1]
 * [--metrics 20] [--variants '@0 --workers 0;@0,1']`. Each `;`-separated variant runs wbx with
 * extra arguments, pinned to the CPUs after `@` (`taskset -c`), with another checkout's CLI after
 * `cli=` (`'cli=/tmp/before/cli.ts;'` measures it and this one on the same server). The server runs in this process (its CPU is not the client's, and is
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
import type { RequestLogEntry } from '../tests/server/request_log.ts'
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
    rate: { type: 'string', default: '10,50' },
    burst: { type: 'string', default: '20,100' },
    'latency-ms': { type: 'string', default: '100' },
    'storage-bandwidth': { type: 'string' },
    client: { type: 'string', default: 'deno' },
    'sdk-sample': { type: 'string', default: '0' },
    'sdk-threads': { type: 'string', default: '30' },
    'cold-exports': { type: 'boolean', default: false },
    'export-cache': { type: 'string', default: '1GiB' },
    variants: { type: 'string', default: '' },
  },
})
const RUNS = Number(values.runs)
const rates = values.rate!.split(',').map(Number)
const bursts = values.burst!.split(',').map(Number)
if (rates.length !== bursts.length || [...rates, ...bursts].some((n) => !(n > 0))) {
  throw new RangeError(
    `Cannot read --rate ${values.rate} --burst ${values.burst}: give as many positive bursts as rates`,
  )
}
const limits: Limit[] = rates.map((rate, i) => ({ rate, burst: bursts[i] }))
const latencyMs = Number(values['latency-ms'])
const bandwidth = values['storage-bandwidth']
const SDK_SAMPLE = Number(values['sdk-sample'])
const THREADS = Number(values['sdk-threads'])
const PROJECT = 'bench/moonshot'

/** A way to run wbx: extra arguments, the CPUs to pin it to (`taskset -c`), another checkout's CLI. */
interface Variant {
  label: string
  args: string[]
  cpus?: string
  cli?: string
}

/**
 * `--variants 'A;B'`: each is extra arguments, after `@CPUS ` to pin the client (`@0 --workers 0`)
 * and `cli=PATH ` to run another checkout's `cli.ts` (a before and after on one server).
 */
function parseVariants(text: string): Variant[] {
  return text.split(';').map((item) => {
    const words = item.trim().split(/\s+/).filter(Boolean)
    const cpus = words[0]?.startsWith('@') ? words.shift()!.slice(1) : undefined
    const cli = words[0]?.startsWith('cli=') ? words.shift()!.slice(4) : undefined
    const label = [cpus ? `CPUs ${cpus}` : '', cli ? `cli ${cli}` : '', words.join(' ')]
      .filter(Boolean).join(', ')
    return { label: label || 'defaults', args: words, cpus, cli }
  })
}
const variants = parseVariants(values.variants!)

/** One measured client under one limit. */
interface Row {
  limit: Limit
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
  /** Per second from the spawn: allowed API requests, 429s, storage requests. */
  timeline: number[][]
}

/** CPU this process (the server) has used, ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

const warmStart = performance.now()
const server = await startTestServer({
  limits: {
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

/** Counts allowed API requests, 429s and storage requests per second since `start`. */
function perSecond(entries: readonly RequestLogEntry[], start: number): number[][] {
  const out: number[][] = []
  for (const e of entries) {
    const second = Math.max(0, Math.floor((e.receivedAt - start) / 1000))
    while (out.length <= second) out.push([0, 0, 0])
    out[second][e.origin === 'files' ? 2 : e.rateLimited ? 1 : 0]++
  }
  return out
}

/** Runs one client as a child and records what it used and what the server saw. */
async function measure(
  limit: Limit,
  client: string,
  runs: number,
  command: string[],
  env: Record<string, string | undefined>,
): Promise<Row> {
  server.limits.setRate(limit.rate, limit.burst)
  const before = server.requests.length
  const cpu0 = cpuMs()
  const spawnedAt = Date.now()
  const measured = await measureChild(command, env, join(scratch, 'time.txt'))
  if (measured.code !== 0) {
    throw new Error(`${client} failed (exit ${measured.code}):\n${measured.stderr}`)
  }
  return {
    limit,
    client,
    runs,
    measured,
    stats: requestStats(server.requests.slice(before)),
    serverCpuMs: cpuMs() - cpu0,
    startupMs: (server.requests[before]?.receivedAt ?? NaN) - spawnedAt,
    timeline: perSecond(server.requests.slice(before), spawnedAt),
  }
}

try {
  const env = { ...process.env, WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: server.apiKey }
  const client = values.client!
  const command = (cli = join(ROOT, 'cli.ts')) =>
    client === 'deno' ? [executable('deno'), 'run', '-A', cli] : [executable(client), cli]
  const python = process.env.WBX_PYTHON
  if (SDK_SAMPLE > 0 && !python) {
    throw new Error('--sdk-sample needs WBX_PYTHON (a Python with wandb and pandas)')
  }
  for (const [i, limit] of limits.entries()) {
    for (const [v, variant] of variants.entries()) {
      const out = join(scratch, `wbx-export-${i}-${v}`)
      const pin = variant.cpus ? ['taskset', '-c', variant.cpus] : []
      rows.push(
        await measure(limit, `wbx export (${client}, ${variant.label})`, RUNS, [
          ...pin,
          ...command(variant.cli),
          ...['export', PROJECT, '-o', out, '-q', ...variant.args],
        ], env),
      )
    }
    if (SDK_SAMPLE === 0) continue
    const dir = join(scratch, `sdk-${i}`)
    mkdirSync(join(dir, 'out'), { recursive: true })
    const sample = Math.min(SDK_SAMPLE, RUNS)
    const script = join(ROOT, 'bench', 'moonshot_sdk.py')
    const row = await measure(limit, `SDK, ${THREADS} threads (sample)`, sample, [
      ...[python!, script, server.baseUrl, server.apiKey, PROJECT],
      ...[String(sample), String(THREADS), join(dir, 'out')],
    ], sdkEnv(dir))
    const self = JSON.parse(row.measured.stdout.trim().split('\n').pop()!)
    row.measured.wallMs = self.ms // listing and exports only, not Python's start-up
    row.measured.cpuMs = self.cpuMs
    row.measured.peakRssMb = self.peakRssMb
    row.extrapolatedMs = extrapolateWall(self.ms, sample, RUNS, THREADS)
    rows.push(row)
  }
} finally {
  await server.stop()
  rmSync(scratch, { recursive: true, force: true })
}

const floorReq = minimumRequests(RUNS)
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const lines = [
  `Project: ${RUNS} runs, ${info.totalRows} rows (sizes ${values.sizes}, ${values.metrics} metrics,` +
  ` seed ${values.seed}); latency median ${latencyMs} ms` +
  `${bandwidth ? `, storage ${bandwidth}/s` : ''}.`,
  `Floor: ${floorReq} rate-limited requests (listing pages of 50 + one parquetHistory per run),` +
  ` less the burst, at the rate. Server set-up and warm-up: ${s(warmMs)}; row-group cache ${
    (server.store.rowGroupCache.bytes / 1e6).toFixed(0)
  } MB (${server.store.rowGroupCache.misses} row groups encoded while measuring).`,
  '',
  '| limit (floor) | client | runs | wall | API requests (per run) | 429s | storage requests | utilisation of limit | wall ÷ floor | client CPU | peak RSS | server CPU | start-up |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
]
for (const r of rows) {
  const m = r.measured
  const floorMs = floorSeconds(floorReq, r.limit) * 1000
  const allowed = r.stats.api - r.stats.refused
  const wall = r.extrapolatedMs === undefined
    ? s(m.wallMs)
    : `${s(m.wallMs)} (≈ ${s(r.extrapolatedMs)} for ${RUNS})`
  const floorShare = r.runs === RUNS && floorMs > 0 ? (m.wallMs / floorMs).toFixed(2) + '×' : '–'
  const used = (utilisation(allowed, r.limit, m.wallMs) * 100).toFixed(0)
  lines.push(
    '| ' + [
      `${r.limit.rate}/s burst ${r.limit.burst} (${s(floorMs)})`,
      r.client,
      r.runs,
      wall,
      `${r.stats.api} (${(r.stats.api / r.runs).toFixed(2)})`,
      r.stats.refused,
      r.stats.storage,
      `${used}%`,
      floorShare,
      s(m.cpuMs),
      `${m.peakRssMb.toFixed(0)} MB`,
      s(r.serverCpuMs),
      s(r.startupMs),
    ].join(' | ') + ' |',
  )
}
lines.push(
  '',
  'wbx wall is the whole process, start-up included; the SDK wall starts once wandb-core is up',
  '(its start-up, to the first request, is left out). Start-up: spawn to first request.',
  '',
  'API requests by operation:',
)
for (const r of rows) {
  lines.push(`- ${r.limit.rate}/s, ${r.client}: ${JSON.stringify(r.stats.byOperation)}`)
}
const text = lines.join('\n') + '\n'
process.stdout.write(text)
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true })
writeFileSync(join(ROOT, 'bench', 'out', 'moonshot.md'), text)
writeFileSync(
  join(ROOT, 'bench', 'out', 'moonshot-timeline.json'),
  JSON.stringify(rows.map((r) => ({ limit: r.limit, client: r.client, perSecond: r.timeline }))),
)
