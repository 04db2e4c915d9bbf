/**
 * Follow benchmark: latency from the SDK's `run.log()` returning to the row leaving wbx's
 * followed stream (p50/p99), for a local run (offline, tailing the `.wandb` file) and a remote
 * run (online into the test server, polling it), and the CPU wbx uses while following a live
 * run that writes nothing.
 *
 * ```sh
 * deno run -A bench/follow.bench.ts [--steps 60] [--sleep 0.25] [--idle 10] [--flush 0.2]
 * ```
 *
 * `--flush` is wandb-core's `x_transaction_log_flush_interval` (its default is 15 s, which then
 * bounds the local latency); the online writer transmits every 1 s
 * (`x_file_stream_transmit_interval`). The test server runs in this process, so the remote idle
 * CPU includes its share (small: two queries per poll).
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import process from 'node:process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { LocalRun } from '../src/local/local_run.ts'
import { Api } from '../src/api/api.ts'
import type { Row } from '../src/row.ts'
import { wandbPython } from '../tests/_python.ts'
import { startWriter, stopWriter } from '../tests/follow/_sdk_writer.ts'
import { startTestServer } from '../tests/server/test_server.ts'
import { generateRun } from '../tests/server/generate_run.ts'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '60' },
    sleep: { type: 'string', default: '0.25' },
    idle: { type: 'string', default: '10' },
    flush: { type: 'string', default: '0.2' },
  },
})
const steps = Number(values.steps)
const sleepS = Number(values.sleep)
const idleS = Number(values.idle)
const flushS = Number(values.flush)

/** The q-quantile of sorted numbers. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

/** Latency of every followed row: arrival minus the time `run.log` returned for its step. */
async function measure(
  rows: ReadableStream<Row[]>,
  logged: [number, number][],
): Promise<number[]> {
  const arrived = new Map<number, number>()
  for await (const batch of rows) {
    const now = Date.now() / 1000
    for (const row of batch) arrived.set(row._step as number, now)
  }
  const out: number[] = []
  for (const [step, at] of logged) {
    const got = arrived.get(step)
    if (got !== undefined) out.push(got - at)
  }
  return out.sort((a, b) => a - b)
}

/** CPU ms (user + system) this process spends during `ms` of following an idle run. */
async function idleCpu(stream: ReadableStream<Row[]>, ms: number): Promise<number> {
  const reader = stream.getReader()
  const pending = reader.read().catch(() => undefined)
  await new Promise((r) => setTimeout(r, 500))
  const before = process.cpuUsage()
  await new Promise((r) => setTimeout(r, ms))
  const used = process.cpuUsage(before)
  await reader.cancel()
  await pending
  return (used.user + used.system) / 1000
}

const line = (name: string, lat: number[]) =>
  `| ${name} | ${lat.length} | ${quantile(lat, 0.5).toFixed(3)} | ${
    quantile(lat, 0.99).toFixed(3)
  } | ${lat[lat.length - 1].toFixed(3)} |`

if (!wandbPython) {
  console.error(
    'follow bench: Python with the wandb package not found (WBX_PYTHON); nothing to measure',
  )
  process.exit(0)
}
const dir = mkdtempSync(join(tmpdir(), 'wbx-follow-bench-'))
const server = await startTestServer()
const report: string[] = [
  `follow bench: ${steps} steps, one run.log every ${sleepS} s, wandb-core flush ${flushS} s, ${
    (globalThis as { Deno?: unknown }).Deno ? 'Deno' : 'Bun/Node'
  }`,
  '',
  '| source | rows | p50 s | p99 s | max s |',
  '| --- | --- | --- | --- | --- |',
]
try {
  // Local: offline writer, LocalRun follows the .wandb file.
  const local = startWriter({ mode: 'offline', id: 'benchlocal', steps, sleepS, dir, flushS })
  const folder = await local.folder
  const run = await LocalRun.open(folder, { metadata: 'minimal' })
  const localLat = await measure(run.scanHistory({ follow: true }), local.logged)
  await local.done
  report.push(line('local (.wandb tail)', localLat))

  // Remote: online writer into the test server, Run.scanHistory follows with default polling.
  const remote = startWriter({
    mode: 'online',
    id: 'benchremote',
    steps,
    sleepS,
    dir,
    server,
    flushS,
  })
  await remote.folder
  const api = new Api({ baseUrl: server.baseUrl, apiKey: server.apiKey })
  const remoteRun = await api.run('test-entity/follow/benchremote')
  const remoteLat = await measure(remoteRun.scanHistory({ follow: true }), remote.logged)
  await remote.done
  report.push(line('remote (polling, 1 s while rows come)', remoteLat))

  // Idle CPU: a live local file that does not grow, and a running remote run with no new rows.
  const idleFile = join(dir, 'idle.wandb')
  const src = run.wandbFiles[0]
  const bytes = readFileSync(src)
  writeFileSync(idleFile, bytes.subarray(0, Math.max(7, bytes.length - 200)))
  const idleLocal = await LocalRun.open(idleFile, { metadata: 'minimal' })
  const localCpu = await idleCpu(idleLocal.scanHistory({ follow: true }), idleS * 1000)
  server.addRun({
    ...generateRun({ entity: 'e', project: 'p', id: 'idle', steps: 10 }),
    state: 'running',
  })
  const idleRemote = await api.run('e/p/idle')
  const remoteCpu = await idleCpu(idleRemote.scanHistory({ follow: true }), idleS * 1000)
  report.push(
    '',
    `idle following for ${idleS} s: local ${localCpu.toFixed(0)} ms CPU (${
      (localCpu / idleS / 10).toFixed(2)
    } %), remote ${remoteCpu.toFixed(0)} ms CPU (${
      (remoteCpu / idleS / 10).toFixed(2)
    } %, test server included)`,
  )
  stopWriter(local)
  stopWriter(remote)
} finally {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}
console.log(report.join('\n'))
