/**
 * One case of the local-decode benchmark, run in its own process by `local.bench.ts` so that
 * its peak memory is its own. Times the work inside the process (runtime start-up and module
 * loading excluded, as the Python side does) and prints one JSON line (a CaseResult).
 *
 * Usage: `<runtime> bench/local_case.ts <case> <file.wandb> [scratch folder]`, where case is
 * one of `records`, `open`, `rows`, `open-rows`, `open-scan-rows`, `open-full-rows`, `ndjson`, `parquet` (see LOCAL_CASES). With the environment
 * variable `WBX_CPU_PROFILE=<out.cpuprofile>` (Deno, Node) the measured span is CPU-profiled;
 * summarize the file with `local_profile.ts`.
 *
 * @module
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { writeFileSync } from 'node:fs'
import { env, runtimeName } from '../src/runtime.ts'
import { readRecords } from '../src/local/read_records.ts'
import { LocalRun } from '../src/local/local_run.ts'
import { exportToPath } from '../src/export/write_to_path.ts'
import { type CaseResult, LOCAL_CASES, peakRssMb } from './local_common.ts'

/** The open-then-scan cases and the `metadata` option each opens with. */
const OPEN_MODES: Record<string, 'lazy' | 'scan' | 'full'> = {
  'open-rows': 'lazy',
  'open-scan-rows': 'scan',
  'open-full-rows': 'full',
}

/** CPU time used by this process so far, in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** The version of the runtime running this script. */
function runtimeVersion(): string {
  const versions = process.versions as Record<string, string | undefined>
  return versions[runtimeName] ?? process.version
}

/**
 * Starts the V8 CPU profiler through `node:inspector` (Deno and Node) and returns a function
 * that stops it and writes the `.cpuprofile` to `path`. Bun has no inspector session: profile
 * it with `bun --cpu-prof` instead.
 */
async function startProfile(path: string): Promise<() => Promise<void>> {
  if (runtimeName === 'bun') {
    throw new TypeError(
      'Cannot profile with WBX_CPU_PROFILE under Bun: run `bun --cpu-prof` instead',
    )
  }
  const { Session } = await import('node:inspector')
  const session = new Session()
  session.connect()
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result)))
    )
  await post('Profiler.enable')
  await post('Profiler.setSamplingInterval', { interval: 250 })
  await post('Profiler.start')
  return async () => {
    const { profile } = await post('Profiler.stop') as { profile: unknown }
    writeFileSync(path, JSON.stringify(profile))
    session.disconnect()
  }
}

/** Counts the history records of a file with the raw record reader. */
async function countRecords(file: string): Promise<number> {
  let n = 0
  const stream = readRecords(file, { types: new Set(['history']) })
  for await (const batch of stream as unknown as AsyncIterable<unknown[]>) n += batch.length
  return n
}

/** Counts the rows of a row stream. */
async function countRows(stream: ReadableStream<unknown[]>): Promise<number> {
  let n = 0
  for await (const batch of stream as unknown as AsyncIterable<unknown[]>) n += batch.length
  return n
}

/** Runs one case on `file`, writing any output under `scratch`, and returns its measurements. */
async function runCase(name: string, file: string, scratch: string): Promise<CaseResult> {
  if (!(name in LOCAL_CASES)) {
    throw new RangeError(
      `Unknown local bench case "${name}": use one of ${Object.keys(LOCAL_CASES).join(', ')}`,
    )
  }
  const bytes = statSync(file).size
  let openMs: number | undefined
  let run: LocalRun | undefined
  if (name !== 'records' && name !== 'open' && !(name in OPEN_MODES)) {
    const t = performance.now()
    run = await LocalRun.open(file, { metadata: 'full' }) // the pass done: the scan alone is timed
    openMs = performance.now() - t
  }
  const profilePath = env('WBX_CPU_PROFILE')
  const stopProfile = profilePath ? await startProfile(profilePath) : undefined
  const cpu0 = cpuMs()
  const t0 = performance.now()
  let rows = 0
  let outBytes: number | undefined
  if (name === 'records') rows = await countRecords(file)
  else if (name === 'open') {
    rows = (await LocalRun.open(file, { metadata: 'full' })).historyLineCount
  } else if (name === 'rows') rows = await countRows(run!.scanHistory())
  else if (name in OPEN_MODES) {
    const opened = await LocalRun.open(file, { metadata: OPEN_MODES[name] })
    rows = await countRows(opened.scanHistory())
  } else {
    const out = join(scratch, name === 'ndjson' ? 'out.ndjson' : 'out.parquet')
    const result = await exportToPath(run!.scanHistory(), out)
    rows = result.rows
    outBytes = result.bytes
  }
  const ms = performance.now() - t0
  const cpu = cpuMs() - cpu0
  await stopProfile?.()
  return {
    case: name,
    runtime: runtimeName,
    version: runtimeVersion(),
    rows,
    bytes,
    ms,
    cpuMs: cpu,
    peakRssMb: peakRssMb(),
    outBytes,
    openMs,
  }
}

const [name, file, scratchParent] = process.argv.slice(2)
if (!name || !file) {
  console.error('usage: <runtime> bench/local_case.ts <case> <file.wandb> [scratch folder]')
  process.exit(2)
}
const scratch = mkdtempSync(join(scratchParent ?? tmpdir(), 'wbx-local-'))
try {
  console.log(JSON.stringify(await runCase(name, file, scratch)))
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
