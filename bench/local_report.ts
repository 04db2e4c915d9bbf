/**
 * Renders the local-decode benchmark's results as markdown: one table row per case and
 * runtime (medians over the repeats), ratios to the Python reader, and notes on method.
 *
 * @module
 */
import { type CaseResult, LOCAL_CASES, type StageInfo, type StageResult } from './local_common.ts'
import type { LargeRun } from './local_python.ts'

/** One measured child process: a case result plus the child's wall time. */
export type Measured = CaseResult & { wallMs: number }

/** Input of renderReport. */
export interface ReportInput {
  /** The file read. */
  run: LargeRun
  /** Measurements keyed by `case|runtime`, one per repeat. */
  results: Map<string, Measured[]>
  /** Cases in table order (`python` included when it ran). */
  cases: string[]
  /** wbx runtimes in table order. */
  runtimes: string[]
  /** Repeats per case. */
  repeat: number
  /** One line describing the machine. */
  machine: string
}

/** Median of a non-empty list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Summary of one case and runtime: medians of time and CPU, the largest peak RSS. */
interface Summary {
  case: string
  runtime: string
  version: string
  rows: number
  bytes: number
  ms: number
  cpuMs: number
  wallMs: number
  peakRssMb: number
  outBytes?: number
  spread: number
}

/** Reduces the repeats of one case and runtime to a Summary. */
function summarize(list: Measured[]): Summary {
  const ms = list.map((r) => r.ms)
  const mid = median(ms)
  return {
    case: list[0].case,
    runtime: list[0].runtime,
    version: list[0].version,
    rows: list[0].rows,
    bytes: list[0].bytes,
    ms: mid,
    cpuMs: median(list.map((r) => r.cpuMs)),
    wallMs: median(list.map((r) => r.wallMs)),
    peakRssMb: Math.max(...list.map((r) => r.peakRssMb)),
    outBytes: list[0].outBytes,
    spread: (Math.max(...ms) - Math.min(...ms)) / mid,
  }
}

/** Formats an integer with thousands separators. */
function int(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** Formats a ratio as `4.2×`. */
function times(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`
}

/** Renders the markdown report. */
export function renderReport(input: ReportInput): string {
  const { run, results, cases, runtimes, repeat, machine } = input
  const summaries: Summary[] = []
  for (const name of cases) {
    for (const runtime of name === 'python' ? ['python'] : runtimes) {
      const list = results.get(`${name}|${runtime}`)
      if (list?.length) summaries.push(summarize(list))
    }
  }
  const py = summaries.find((s) => s.case === 'python')
  const pyRate = py ? py.rows / (py.ms / 1000) : undefined
  const pyCpuRate = py ? py.rows / (py.cpuMs / 1000) : undefined
  const expected = py?.rows ?? (run.steps || undefined)
  const warnings: string[] = []
  const mb = run.bytes / 2 ** 20
  const date = new Date().toISOString().slice(0, 10)
  const lines = [
    `# Local decode benchmark (${date})`,
    '',
    `File: ${
      run.steps
        ? `${int(run.steps)} steps × ${run.metrics} metrics logged by wandb 0.31 offline, `
        : ''
    }${mb.toFixed(1)} MB \`.wandb\`. Machine: ${machine}. Median of ${repeat} interleaved run${
      repeat > 1 ? 's' : ''
    } per case; each case in its own process.`,
    '',
    '| case | runtime | rows | rows/s | MB/s | vs Python | vs Python (CPU) | time s | CPU s | wall s | spread | peak RSS MB | output MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const s of summaries) {
    const rate = s.rows / (s.ms / 1000)
    const cpuRate = s.rows / (s.cpuMs / 1000)
    const racing = s.case !== 'open'
    if (expected !== undefined && s.rows !== expected) {
      warnings.push(`${s.case} under ${s.runtime} produced ${s.rows} rows, expected ${expected}.`)
    }
    lines.push(
      `| ${s.case} | ${s.runtime} | ${int(s.rows)}${
        expected !== undefined && s.rows !== expected ? ' ≠' : ''
      } | ${int(rate)} | ${(mb / (s.ms / 1000)).toFixed(1)} | ${
        pyRate && racing ? times(rate / pyRate) : '–'
      } | ${pyCpuRate && racing ? times(cpuRate / pyCpuRate) : '–'} | ${
        (s.ms / 1000).toFixed(2)
      } | ${(s.cpuMs / 1000).toFixed(2)} | ${(s.wallMs / 1000).toFixed(2)} | ${
        (s.spread * 100).toFixed(0)
      }% | ${s.peakRssMb.toFixed(0)} | ${
        s.outBytes === undefined ? '–' : (s.outBytes / 2 ** 20).toFixed(1)
      } |`,
    )
  }
  lines.push('', ...endToEnd(summaries, runtimes, py), '')
  lines.push(
    'Cases:',
    '',
    '- `python`: `bench/py_local_reader.py` with the official `wandb` package: reads the whole file, frames it and checks CRCs, parses every record with `wandb_internal_pb2.Record`, builds each history row as a dict with `json.loads` of every item. Its peak RSS includes the whole file, which it reads at once.',
    ...Object.entries(LOCAL_CASES).filter(([k]) => cases.includes(k)).map(([k, v]) =>
      `- \`${k}\`: ${v}.`
    ),
    '',
    "Columns: rows/s and MB/s (file bytes) use the time measured inside each process around the work (runtime start-up, module loading and, for `rows`/`ndjson`/`parquet`, `LocalRun.open` excluded, as the Python side excludes interpreter start-up and imports); `vs Python` divides by the Python rows/s; `vs Python (CPU)` does the same with CPU time (user + system, all threads), which is less sensitive to other load on the machine; `wall s` is the whole child process from spawn to exit; `spread` is (max − min) / median of the measured times; peak RSS is the child's VmHWM.",
    '',
    `Versions: ${
      [...new Map(summaries.map((s) => [s.runtime, `${s.runtime} ${s.version}`])).values()].join(
        '; ',
      )
    }.`,
  )
  if (warnings.length) lines.push('', ...warnings.map((w) => `**Warning:** ${w}`))
  return lines.join('\n') + '\n'
}

/** Lines comparing what a CLI user waits for (open + export) and the 5× goal. */
function endToEnd(summaries: Summary[], runtimes: string[], py?: Summary): string[] {
  const out: string[] = []
  const rate = (s: { rows: number }, ms: number): number => s.rows / (ms / 1000)
  if (py) {
    const r = rate(py, py.ms)
    out.push(
      `Python reader: ${int(r)} rows/s (${int(rate(py, py.cpuMs))} rows per CPU second). ` +
        `Goal: wbx rows at 5× that.`,
    )
  }
  for (const runtime of runtimes) {
    const get = (c: string) => summaries.find((s) => s.case === c && s.runtime === runtime)
    const open = get('open')
    const parts: string[] = []
    for (const c of ['rows', 'ndjson', 'parquet']) {
      const s = get(c)
      if (!s || !open) continue
      const byTime = rate(s, s.ms + open.ms)
      const ratios = py
        ? ` (${times(byTime / rate(py, py.ms))}; by CPU ${
          times(rate(s, s.cpuMs + open.cpuMs) / rate(py, py.cpuMs))
        })`
        : ''
      parts.push(`open + ${c} ${int(byTime)} rows/s${ratios}`)
    }
    if (parts.length) {
      out.push(`- ${runtime}, including the \`LocalRun.open\` pass: ${parts.join('; ')}.`)
    }
  }
  return out
}

/** Renders one runtime's stage profile: medians of each stage's time and CPU, and its own CPU cost over its base. */
export function renderStages(runtime: string, info: StageInfo[], results: StageResult[]): string {
  const cpu = new Map<string, number>()
  const lines = [
    `Stage profile, ${runtime} (one pass per process, median of the repeats; own CPU = CPU − base's CPU):`,
    '',
    '| stage | what | items | time ms | CPU ms | base | own CPU ms |',
    '|---|---|---:|---:|---:|---|---:|',
  ]
  for (const stage of info) {
    const runs = results.filter((x) => x.name === stage.name)
    if (runs.length === 0) continue
    const ms = median(runs.map((r) => r.ms))
    const cpuMs = median(runs.map((r) => r.cpuMs))
    cpu.set(stage.name, cpuMs)
    const base = stage.base === undefined ? undefined : cpu.get(stage.base)
    lines.push(
      `| ${stage.name} | ${stage.what} | ${int(runs[0].items)} | ${ms.toFixed(0)} | ${
        cpuMs.toFixed(0)
      } | ${stage.base ?? '–'} | ${base === undefined ? '–' : (cpuMs - base).toFixed(0)} |`,
    )
  }
  return lines.join('\n') + '\n'
}
