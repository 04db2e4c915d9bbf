/**
 * Local-decode benchmark: wbx reading a large `.wandb` file (raw records, row objects, NDJSON,
 * Parquet) side by side with the official Python package reading the same file
 * (`py_local_reader.py`: frame + CRC, `wandb_internal_pb2.Record` parsing, `json.loads` of every
 * history item). Every case runs in its own child process (clean peak RSS) and times its work
 * inside the process, so runtime start-up is excluded on both sides; wall time of the whole
 * child is shown too. Repeats are interleaved (case after case, round after round) so that
 * background load hits every case alike, and the median is reported.
 *
 * Usage: `deno run -A bench/local.bench.ts [--steps 100000] [--metrics 20]
 * [--runtimes deno,bun,node] [--repeat 3] [--cases python,records,open,rows,ndjson,parquet]
 * [--file run.wandb] [--stages]`. The run is generated once with `make_large_run.py` and cached
 * under `bench/out/large-<steps>x<metrics>/`. Prints a markdown table and writes
 * `bench/out/local.md`; `--stages` appends the per-stage profile of `local_stages.ts`.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runtimeName } from '../src/runtime.ts'
import { wandbPython } from '../tests/_python.ts'
import { LOCAL_CASES, type StageInfo, type StageResult } from './local_common.ts'
import { ensureLargeRun, type LargeRun, runPythonCase } from './local_python.ts'
import { type Measured, renderReport, renderStages } from './local_report.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = join(ROOT, 'bench', 'out')
const RUNTIMES = ['deno', 'bun', 'node']
const ALL_CASES = ['python', ...Object.keys(LOCAL_CASES)]

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    steps: { type: 'string', default: '100000' },
    metrics: { type: 'string', default: '20' },
    runtimes: { type: 'string', default: 'deno,bun' },
    repeat: { type: 'string', default: '3' },
    cases: { type: 'string', default: ALL_CASES.join(',') },
    file: { type: 'string' },
    stages: { type: 'boolean', default: false },
  },
})

/** Parses a positive integer option or throws a RangeError naming it. */
function positive(name: string, text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `Cannot run the local bench: --${name} must be a positive integer, got "${text}"`,
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
        `Cannot run the local bench: --${name} has "${item}"; use some of ${allowed.join(',')}`,
      )
    }
  }
  return items
}

/** The executable of a runtime: this process for the current one, else node_modules/.bin, else PATH. */
function executable(runtime: string): string {
  if (runtime === runtimeName) return process.execPath
  const local = join(ROOT, 'node_modules', '.bin', runtime)
  return existsSync(local) ? local : runtime
}

/** Node 20 cannot run TypeScript: bundles a bench script to JavaScript with Bun first. */
function nodeBundle(script: string): string {
  const out = join(OUT, script.replace(/\.ts$/, '.node.mjs'))
  const built = spawnSync(
    executable('bun'),
    ['build', join(ROOT, 'bench', script), '--target=node', `--outfile=${out}`],
    { encoding: 'utf8' },
  )
  if (built.status !== 0) {
    throw new Error(`Cannot bundle bench/${script} for Node with bun build:\n${built.stderr}`)
  }
  return out
}

/** The command line that runs a bench script under a runtime. */
function scriptCommand(runtime: string, script: string): string[] {
  if (runtime === 'deno') return [executable('deno'), 'run', '-A', join(ROOT, 'bench', script)]
  if (runtime === 'bun') return [executable('bun'), join(ROOT, 'bench', script)]
  return [executable('node'), nodeBundle(script)]
}

/** Runs a bench script with arguments and returns its last stdout line; throws when it fails. */
function spawnJson(command: string[], args: string[]): string {
  const run = spawnSync(command[0], [...command.slice(1), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  })
  if (run.status !== 0) {
    throw new Error(
      `${command.join(' ')} ${args.join(' ')} exited with ${
        run.status ?? run.signal
      }:\n${run.stderr}`,
    )
  }
  return run.stdout.trim().split('\n').pop()!
}

/** Runs one wbx case in a child process; returns its result with the child's wall time. */
function runChild(command: string[], name: string, file: string): Measured {
  const t = performance.now()
  const line = spawnJson(command, [name, file, OUT])
  return { ...JSON.parse(line), wallMs: performance.now() - t }
}

const steps = positive('steps', values.steps!)
const metrics = positive('metrics', values.metrics!)
const repeat = positive('repeat', values.repeat!)
const runtimes = list('runtimes', values.runtimes!, RUNTIMES)
const cases = list('cases', values.cases!, ALL_CASES)
mkdirSync(OUT, { recursive: true })

const python = process.env.WBX_PYTHON ?? wandbPython
let run: LargeRun
if (values.file) {
  const bytes = statSync(values.file).size
  run = { path: values.file, bytes, steps: 0, metrics: 0, total_seconds: 0, cached: true }
} else {
  if (!python) {
    throw new Error(
      'Cannot generate the benchmark run: no Python with wandb found; set WBX_PYTHON or create .venv (pip install -r tests/fixtures/requirements.txt), or pass --file',
    )
  }
  console.error(`Preparing a ${steps} × ${metrics} run (cached under bench/out/)…`)
  run = ensureLargeRun({ steps, metrics, python, cacheDir: OUT })
}
const wantPython = cases.includes('python')
if (wantPython && !python) console.error('No Python with wandb found: the python case is skipped.')

const commands = new Map(runtimes.map((r) => [r, scriptCommand(r, 'local_case.ts')]))
const results = new Map<string, Measured[]>()
const add = (r: Measured): void => {
  const key = `${r.case}|${r.runtime}`
  results.set(key, [...(results.get(key) ?? []), r])
}
const load = loadavg()[0]
for (let round = 1; round <= repeat; round++) {
  for (const name of cases) {
    if (name === 'python') {
      if (!python) continue
      const t = performance.now()
      const r = runPythonCase(python, run.path)
      add({ ...r, wallMs: performance.now() - t })
      console.error(`round ${round} python: ${(r.ms / 1000).toFixed(2)} s`)
      continue
    }
    for (const runtime of runtimes) {
      const r = runChild(commands.get(runtime)!, name, run.path)
      add(r)
      console.error(`round ${round} ${name} ${runtime}: ${(r.ms / 1000).toFixed(2)} s`)
    }
  }
}

let stages = ''
if (values.stages) {
  const infos = new Map<string, StageInfo[]>()
  const measured = new Map<string, StageResult[]>()
  for (const runtime of runtimes) {
    infos.set(runtime, JSON.parse(spawnJson(scriptCommand(runtime, 'local_stages.ts'), ['list'])))
    measured.set(runtime, [])
  }
  for (let round = 1; round <= repeat; round++) {
    for (const runtime of runtimes) {
      const command = scriptCommand(runtime, 'local_stages.ts')
      for (const stage of infos.get(runtime)!) {
        const r: StageResult = JSON.parse(spawnJson(command, [stage.name, run.path, OUT]))
        measured.get(runtime)!.push(r)
        console.error(`round ${round} stage ${stage.name} ${runtime}: ${r.cpuMs.toFixed(0)} ms CPU`)
      }
    }
  }
  for (const runtime of runtimes) {
    stages += '\n' + renderStages(runtime, infos.get(runtime)!, measured.get(runtime)!)
  }
}

const report = renderReport({
  run,
  results,
  cases: cases.filter((c) => c !== 'python' || python),
  runtimes,
  repeat,
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs, load average ${
    load.toFixed(2)
  } at start`,
}) + stages
writeFileSync(join(OUT, 'local.md'), report)
console.log(report)
