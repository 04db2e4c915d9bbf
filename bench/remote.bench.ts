/**
 * Remote history benchmark: wbx's `Run.scanHistory` (Parquet strategy and GraphQL strategy, to
 * rows, NDJSON, CSV and Parquet) side by side with the official SDK's `run.scan_history()` (and
 * the pandas pipeline users write) over the same generated runs, served by the W&B-compatible
 * test server on loopback, plus floors (just fetching and decoding the bytes).
 *
 * For each data set a server process holds two copies of the run: one with Parquet exports
 * (built before any case runs) and one never exported, which both clients page through GraphQL.
 * Every case runs in its own child process (clean peak RSS) and times its work inside the
 * process; repeats are interleaved so background load hits every case alike; medians are
 * reported.
 *
 * Usage: `deno run -A bench/remote.bench.ts [--sizes 10000x20,100000x20] [--runtimes deno,bun]
 * [--cases parquet-rows,sdk-rows,...] [--repeat 1] [--timeout 1800] [--many 200x1000x20]
 * [--all-cases-up-to 2000000]`. Data sets with more cells (steps × metrics) than the last option
 * run only the cases the goals need (scan, Parquet export, GraphQL scan, floors).
 * `--many RUNSxSTEPSxMETRICS` adds the many-runs export: a project of that many exported runs,
 * exported by `exportProject` (wbx) and by a plain SDK loop. A size or many-runs set may end in
 * `@MS` (e.g. `100000x20@50`): the server then delays every request by that many milliseconds,
 * a stand-in for the round trip to a real W&B server. Prints a markdown report and writes
 * `bench/out/remote.md` and `bench/out/remote.json`.
 *
 * @module
 */
import { cpus, loadavg, totalmem } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { wandbPython } from '../tests/_python.ts'
import {
  type DataSet,
  MANY_CASES,
  MANY_PROJECT,
  parseMany,
  parseSizes,
  runPaths,
  SDK_CASES,
  serverSpecs,
  WBX_CASES,
} from './remote_common.ts'
import { type Measured, type RemoteData, renderRemoteReport, setTitle } from './remote_report.ts'
import {
  type CaseFailure,
  type CaseTarget,
  ROOT,
  runSdkCase,
  runWbxCase,
  scriptCommand,
  startServer,
} from './remote_spawn.ts'

const OUT = join(ROOT, 'bench', 'out')
const RUNTIMES = ['deno', 'bun', 'node']
const ALL_CASES = [...Object.keys(SDK_CASES), ...Object.keys(WBX_CASES)]
/** The cases that still run on data sets above `--all-cases-up-to` cells (the goals' cases). */
const CORE_CASES = [
  'sdk-rows',
  'sdk-parquet',
  'sdk-graphql-rows',
  'parquet-rows',
  'parquet-parquet',
  'graphql-rows',
  'floor-decode',
  'floor-graphql',
]

/** Default data sets: 20 and 200 metrics, up to the largest that finishes in minutes on 2 cores. */
const DEFAULT_SIZES = '10000x20,100000x20,1000000x20,10000x200,100000x200'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    sizes: { type: 'string', default: DEFAULT_SIZES },
    runtimes: { type: 'string', default: 'deno,bun' },
    cases: { type: 'string', default: ALL_CASES.join(',') },
    repeat: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '1800' },
    many: { type: 'string', default: '' },
    'all-cases-up-to': { type: 'string', default: '2000000' },
  },
})

/** Parses a positive integer option or throws a RangeError naming it. */
function positive(name: string, text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `Cannot run the remote bench: --${name} must be a positive integer, got "${text}"`,
    )
  }
  return n
}

/** Splits a comma list and checks every entry against the allowed names. */
function list(name: string, text: string, allowed: string[]): string[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean)
  for (const item of items) {
    if (!allowed.includes(item)) {
      throw new RangeError(
        `Cannot run the remote bench: --${name} has "${item}"; use some of ${allowed.join(',')}`,
      )
    }
  }
  return items
}

/** Whether a child's outcome is a failure. */
function failed(r: Measured | CaseFailure): r is CaseFailure {
  return 'error' in r
}

const sizes: DataSet[] = [
  ...parseSizes(values.sizes!),
  ...(values.many ? parseMany(values.many) : []),
]
const runtimes = list('runtimes', values.runtimes!, RUNTIMES)
const cases = list('cases', values.cases!, ALL_CASES)
const repeat = positive('repeat', values.repeat!)
const timeoutMs = positive('timeout', values.timeout!) * 1000
const allCasesUpTo = positive('all-cases-up-to', values['all-cases-up-to']!)
const python = process.env.WBX_PYTHON ?? wandbPython
mkdirSync(OUT, { recursive: true })
if (!python && cases.some((c) => c in SDK_CASES)) {
  console.error('No Python with wandb found (set WBX_PYTHON): the SDK cases are skipped.')
}

const commands = new Map(runtimes.map((r) => [r, scriptCommand(r, 'remote_case.ts', OUT)]))
const load = loadavg()[0]
const data: RemoteData = {
  date: new Date().toISOString(),
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs, ${
    (totalmem() / 2 ** 30).toFixed(0)
  } GB RAM, load average ${load.toFixed(2)} at start`,
  repeat,
  sets: [],
}

for (const set of sizes) {
  console.error(`${setTitle(set)}: starting the server and building the exports…`)
  const server = await startServer(serverSpecs(set), set.latencyMs)
  // The many-runs cases get the project where the others get the exported run.
  const { exported, graphql } = set.runs ? { exported: MANY_PROJECT, graphql: '-' } : runPaths(set)
  const target: CaseTarget = { ready: server.ready, exported, graphql, scratch: OUT, timeoutMs }
  const setCases = set.runs
    ? Object.keys(MANY_CASES)
    : set.steps * set.metrics > allCasesUpTo
    ? cases.filter((c) => CORE_CASES.includes(c))
    : cases
  const results: Measured[] = []
  const failures: CaseFailure[] = []
  try {
    for (let round = 1; round <= repeat; round++) {
      for (const name of setCases) {
        const outcomes = name.startsWith('sdk-')
          ? (python ? [runSdkCase(name, python, target)] : [])
          : runtimes.map((r) => runWbxCase(name, commands.get(r)!, r, target))
        for (const r of outcomes) {
          if (failed(r)) {
            failures.push(r)
            console.error(`round ${round} ${r.case} ${r.runtime}: FAILED ${r.error.slice(0, 300)}`)
          } else {
            results.push(r)
            console.error(
              `round ${round} ${r.case} ${r.runtime}: ${(r.ms / 1000).toFixed(2)} s, CPU ${
                (r.cpuMs / 1000).toFixed(2)
              } s, ${r.peakRssMb.toFixed(0)} MB`,
            )
          }
        }
      }
    }
  } finally {
    await server.stop()
  }
  data.sets.push({ ...set, server: server.ready, results, failures })
}

const report = renderRemoteReport(data)
writeFileSync(join(OUT, 'remote.json'), JSON.stringify(data, null, 2) + '\n')
writeFileSync(join(OUT, 'remote.md'), report)
console.log(report)
