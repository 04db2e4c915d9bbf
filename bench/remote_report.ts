/**
 * The remote benchmark's results as data (`bench/out/remote.json`) and as markdown: one table
 * per data set with ratios to the SDK case each wbx case replaces, and the goal lines.
 *
 * @module
 */
import { median } from './local_report.ts'
import {
  BASELINE,
  MANY_CASES,
  type RemoteResult,
  SDK_CASES,
  type ServerReady,
  WBX_CASES,
} from './remote_common.ts'
import type { CaseFailure } from './remote_spawn.ts'

/** One measured child: its result plus the wall time of the whole process. */
export type Measured = RemoteResult & { wallMs: number }

/** The measurements of one data set. */
export interface SetResults {
  /** History rows. */
  steps: number
  /** Metrics per row. */
  metrics: number
  /** Runs in the project, for the many-runs data set. */
  runs?: number
  /** Delay the server added to every request, in ms. */
  latencyMs?: number
  /** The server that held it. */
  server: ServerReady
  /** Every measurement, repeats included. */
  results: Measured[]
  /** Cases that failed or timed out. */
  failures: CaseFailure[]
}

/** Everything one run of `remote.bench.ts` measured (`bench/out/remote.json`). */
export interface RemoteData {
  /** ISO date and time of the run. */
  date: string
  /** One line describing the machine and its load. */
  machine: string
  /** Repeats per case (the median is reported). */
  repeat: number
  /** The data sets. */
  sets: SetResults[]
}

/** Medians over the repeats of one case under one runtime. */
export interface CaseSummary {
  /** Case name. */
  case: string
  /** Runtime. */
  runtime: string
  /** Runtime version. */
  version: string
  /** Rows produced. */
  rows: number
  /** Median measured time, ms. */
  ms: number
  /** Median CPU time, ms. */
  cpuMs: number
  /** Median wall time of the child, ms. */
  wallMs: number
  /** Median set-up time, ms. */
  setupMs: number
  /** Largest peak RSS, MB. */
  peakRssMb: number
  /** Output bytes. */
  outBytes?: number
  /** Bytes received, for floors. */
  bytesIn?: number
}

/** Reduces the measurements of a data set to one summary per case and runtime, in table order. */
export function summarize(set: SetResults): CaseSummary[] {
  const groups = new Map<string, Measured[]>()
  for (const r of set.results) {
    const key = `${r.case}|${r.runtime}`
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  const order = [...Object.keys(SDK_CASES), ...Object.keys(WBX_CASES), ...Object.keys(MANY_CASES)]
  const out: CaseSummary[] = []
  for (const list of groups.values()) {
    const first = list[0]
    out.push({
      case: first.case,
      runtime: first.runtime,
      version: first.version,
      rows: first.rows,
      ms: median(list.map((r) => r.ms)),
      cpuMs: median(list.map((r) => r.cpuMs)),
      wallMs: median(list.map((r) => r.wallMs)),
      setupMs: median(list.map((r) => r.setupMs)),
      peakRssMb: Math.max(...list.map((r) => r.peakRssMb)),
      outBytes: first.outBytes,
      bytesIn: first.bytesIn,
    })
  }
  return out.sort((a, b) =>
    order.indexOf(a.case) - order.indexOf(b.case) || a.runtime.localeCompare(b.runtime)
  )
}

/** Ratios of a wbx case to its SDK baseline: speed by time and by CPU, and peak memory. */
export interface Ratios {
  /** SDK time / wbx time (higher is better). */
  speed: number
  /** SDK CPU time / wbx CPU time. */
  cpu: number
  /** wbx peak RSS / SDK peak RSS (lower is better). */
  memory: number
}

/** The ratios of `s` to the SDK case it replaces, or undefined when that case did not run. */
export function ratiosOf(s: CaseSummary, all: CaseSummary[]): Ratios | undefined {
  const base = all.find((b) => b.case === (BASELINE[s.case] ?? s.case) && b.runtime === 'python')
  if (!base || s.runtime === 'python') return undefined
  return { speed: base.ms / s.ms, cpu: base.cpuMs / s.cpuMs, memory: s.peakRssMb / base.peakRssMb }
}

/** Formats an integer with thousands separators. */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** Formats a ratio as `4.2×`. */
export function times(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`
}

/** Formats megabytes with one decimal, or `–`. */
function mb(bytes: number | undefined): string {
  return bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(1)
}

/** A set's title: `100,000 steps × 20 metrics`, prefixed by the run count for many runs. */
export function setTitle(
  set: { steps: number; metrics: number; runs?: number; latencyMs?: number },
): string {
  const one = `${int(set.steps)} steps × ${set.metrics} metrics`
  const latency = set.latencyMs ? `, ${set.latencyMs} ms latency` : ''
  return (set.runs ? `${set.runs} runs of ${one}` : one) + latency
}

/** Renders one data set's table. */
function renderSet(set: SetResults): string[] {
  const summaries = summarize(set)
  const exported = set.server.runs.filter((r) => r.exported)
  const files = exported.reduce((n, r) => n + r.exportFiles, 0)
  const bytes = exported.reduce((n, r) => n + r.exportBytes, 0)
  const expected = set.steps * (set.runs ?? 1)
  const lines = [
    `### ${setTitle(set)}`,
    '',
    `Exports: ${files} Parquet file(s), ${mb(bytes)} MB (built by the server before any case, in ${
      (set.server.buildMs / 1000).toFixed(1)
    } s).`,
    '',
    '| case | runtime | rows | rows/s | vs SDK | vs SDK (CPU) | time s | CPU s | wall s | peak RSS MB | RSS / SDK | output MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const s of summaries) {
    const r = ratiosOf(s, summaries)
    const rowsOk = s.rows === expected ? '' : ' ≠'
    lines.push(
      `| ${s.case} | ${s.runtime} | ${int(s.rows)}${rowsOk} | ${int(s.rows / (s.ms / 1000))} | ${
        r ? times(r.speed) : '–'
      } | ${r ? times(r.cpu) : '–'} | ${(s.ms / 1000).toFixed(2)} | ${
        (s.cpuMs / 1000).toFixed(2)
      } | ${(s.wallMs / 1000).toFixed(2)} | ${s.peakRssMb.toFixed(0)} | ${
        r ? r.memory.toFixed(2) : '–'
      } | ${mb(s.outBytes)} |`,
    )
  }
  for (const f of set.failures) {
    lines.push('', `**Failed:** ${f.case} under ${f.runtime}: ${f.error.trim().slice(0, 400)}`)
  }
  return [...lines, '']
}

/** Renders the goal lines of every data set: scan speed, export memory, distance to the floor. */
export function renderGoals(data: RemoteData): string[] {
  const lines = [
    '| data set | runtime | scan vs SDK (time / CPU), goal ≥ 5× | Parquet export RSS / SDK, goal ≤ 0.20 | scan CPU / floor-decode CPU |',
    '|---|---|---:|---:|---:|',
  ]
  for (const set of data.sets.filter((s) => !s.runs)) {
    const all = summarize(set)
    const runtimes = [...new Set(all.filter((s) => s.runtime !== 'python').map((s) => s.runtime))]
    for (const runtime of runtimes) {
      const get = (c: string) => all.find((s) => s.case === c && s.runtime === runtime)
      const scan = get('parquet-rows')
      const exp = get('parquet-parquet')
      const floor = get('floor-decode')
      const rs = scan && ratiosOf(scan, all)
      const re = exp && ratiosOf(exp, all)
      const mark = (ok: boolean) => (ok ? '' : ' ✗')
      lines.push(
        `| ${setTitle(set)} | ${runtime} | ${
          rs ? `${times(rs.speed)} / ${times(rs.cpu)}${mark(Math.min(rs.speed, rs.cpu) >= 5)}` : '–'
        } | ${re ? `${re.memory.toFixed(2)}${mark(re.memory <= 0.2)}` : '–'} | ${
          scan && floor ? times(scan.cpuMs / floor.cpuMs) : '–'
        } |`,
      )
    }
  }
  return lines
}

/** Renders the whole report. */
export function renderRemoteReport(data: RemoteData): string {
  const lines = [
    `# Remote history benchmark (${data.date.slice(0, 10)})`,
    '',
    `Machine: ${data.machine}. Median of ${data.repeat} interleaved run${
      data.repeat > 1 ? 's' : ''
    } per case, each in its own process. The test server runs in its own process on loopback and shares the cores.`,
    '',
    '## Goals',
    '',
    ...renderGoals(data),
    '',
    '## Data sets',
    '',
    ...data.sets.flatMap(renderSet),
    'Cases:',
    '',
    ...Object.entries(SDK_CASES).map(([k, v]) => `- \`${k}\` (official SDK): ${v}.`),
    ...Object.entries(WBX_CASES).map(([k, v]) => `- \`${k}\`: ${v.what}.`),
    ...Object.entries(MANY_CASES).map(([k, v]) => `- \`${k}\` (many runs): ${v}.`),
    '',
    'Columns: `time s` is measured inside each process around the scan (and export), after the client was made and the run loaded (`setup`, which for the SDK starts wandb-core); rows/s uses it. `vs SDK` divides the SDK case the row replaces (`graphql-rows` → `sdk-graphql-rows`, `graphql-parquet` → `sdk-parquet`, floors → the SDK scan) by it; `vs SDK (CPU)` does the same with CPU time (user + system, all threads; for the SDK Python plus wandb-core), which is steadier on a shared machine. Peak RSS is VmHWM (for the SDK, Python plus wandb-core); `RSS / SDK` below 1 means less memory. `wall s` is the whole child from spawn to exit (runtime start-up included).',
  ]
  return lines.join('\n') + '\n'
}
