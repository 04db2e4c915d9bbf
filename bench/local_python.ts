/**
 * The Python side of the local-decode benchmark: generating (or reusing) a large offline run
 * with `make_large_run.py`, and timing `py_local_reader.py` on it in a child process.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CaseResult } from './local_common.ts'

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))

/** Options of ensureLargeRun. */
export interface LargeRunOptions {
  /** History rows to log. */
  steps: number
  /** Float metrics per row. */
  metrics: number
  /** Python interpreter with `wandb` installed. */
  python: string
  /** Folder that holds the cached runs (`large-<steps>x<metrics>/` inside it). */
  cacheDir: string
}

/** A generated run as `make_large_run.py` reports it. */
export interface LargeRun {
  /** Path of the `.wandb` file. */
  path: string
  /** Its size in bytes. */
  bytes: number
  /** History rows logged. */
  steps: number
  /** Float metrics per row. */
  metrics: number
  /** Seconds the SDK took to log it (init to finish), at generation time. */
  total_seconds: number
  /** Whether the run came from the cache rather than being generated now. */
  cached: boolean
}

/**
 * Returns the cached run for these sizes, or logs a new one with the real SDK (the cache entry
 * counts only once `run.json` is written after a successful generation).
 */
export function ensureLargeRun(options: LargeRunOptions): LargeRun {
  const { steps, metrics, python, cacheDir } = options
  const dir = join(cacheDir, `large-${steps}x${metrics}`)
  const manifest = join(dir, 'run.json')
  if (existsSync(manifest)) {
    const run = JSON.parse(readFileSync(manifest, 'utf8')) as LargeRun
    if (existsSync(run.path) && statSync(run.path).size === run.bytes) {
      return { ...run, cached: true }
    }
  }
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const script = join(BENCH_DIR, 'make_large_run.py')
  const args = [script, '--steps', String(steps), '--metrics', String(metrics), '--out', dir]
  const made = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 24 })
  if (made.status !== 0) {
    throw new Error(
      `Cannot generate the benchmark run: ${python} ${args.join(' ')} exited with ${
        made.status ?? made.signal
      }:\n${made.stderr}`,
    )
  }
  const run = JSON.parse(made.stdout.trim().split('\n').pop()!) as LargeRun
  writeFileSync(manifest, JSON.stringify(run) + '\n')
  return { ...run, cached: false }
}

/**
 * Runs `py_local_reader.main` inside a wrapper that also measures CPU time over the same span
 * and reads the peak resident set; prints one JSON line.
 */
const WRAPPER = `
import contextlib, io, json, re, sys, time
sys.path.insert(0, sys.argv[1])
import google.protobuf, wandb
from google.protobuf.internal import api_implementation
import py_local_reader
out = io.StringIO()
cpu = time.process_time()
with contextlib.redirect_stdout(out):
    code = py_local_reader.main([sys.argv[2]])
cpu = time.process_time() - cpu
if code:
    sys.exit(code)
res = json.loads(out.getvalue())
with open("/proc/self/status") as f:
    hwm = int(re.search(r"VmHWM:\\s+(\\d+) kB", f.read()).group(1)) / 1024
version = "%s, wandb %s, protobuf %s (%s)" % (sys.version.split()[0], wandb.__version__,
    google.protobuf.__version__, api_implementation.Type())
print(json.dumps({"rows": res["rows"], "records": res["records"], "bytes": res["bytes"],
    "seconds": res["seconds"], "cpu": cpu, "hwm": hwm, "version": version}))
`

/** Times `py_local_reader.py` on `file` in a child Python process. */
export function runPythonCase(python: string, file: string): CaseResult {
  const run = spawnSync(python, ['-c', WRAPPER, BENCH_DIR, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  })
  if (run.status !== 0) {
    throw new Error(
      `Cannot run the Python reader on ${file}: exited with ${
        run.status ?? run.signal
      }:\n${run.stderr}`,
    )
  }
  const r = JSON.parse(run.stdout.trim().split('\n').pop()!)
  return {
    case: 'python',
    runtime: 'python',
    version: r.version,
    rows: r.rows,
    bytes: r.bytes,
    ms: r.seconds * 1000,
    cpuMs: r.cpu * 1000,
    peakRssMb: r.hwm,
  }
}
