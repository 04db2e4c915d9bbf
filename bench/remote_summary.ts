/**
 * The pieces of `bench/out/summary.md` that `run_all.ts` computes: the machine line, the
 * runtime and package versions, and the table of ratios (wbx / SDK) against the goals, from the
 * remote benchmark's `remote.json` and the local benchmark's markdown table.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { VERSION } from '../src/version.ts'
import {
  type CaseSummary,
  ratiosOf,
  type RemoteData,
  setTitle,
  summarize,
  times,
} from './remote_report.ts'
import { executable, ROOT } from './remote_spawn.ts'

/** The machine: CPU, cores, memory, kernel and load average (only the load with `loadOnly`). */
export function machineLine(loadOnly = false): string {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ')
  if (loadOnly) return load
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs, ${
    (totalmem() / 2 ** 30).toFixed(0)
  } GB RAM, Linux ${release()}, load average ${load} at the start`
}

/** The first line a command prints, or `not found`. */
function firstLine(command: string, args: string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8' })
  return run.status === 0 ? run.stdout.trim().split('\n')[0] : 'not found'
}

/** The version of an installed npm package, from its package.json. */
function packageVersion(name: string): string {
  const path = join(ROOT, 'node_modules', name, 'package.json')
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).version : 'not installed'
}

const PYTHON_VERSIONS = `
import sys
parts = ["Python " + sys.version.split()[0]]
for name in ("wandb", "pandas", "pyarrow", "google.protobuf"):
    try:
        parts.append(name.replace("google.", "") + " " + __import__(name, fromlist=["_"]).__version__)
    except ImportError:
        parts.append(name + " missing")
print(", ".join(parts))
`

/** Lines naming every runtime and package version the benchmarks used. */
export function versionLines(python: string | undefined): string[] {
  const packages = ['hyparquet', 'hyparquet-writer', 'hysnappy', 'zod', 'graphql-request']
  return [
    `Versions: wbx ${VERSION}; ${firstLine(executable('deno'), ['--version'])}; bun ${
      firstLine(executable('bun'), ['--version'])
    }; node ${firstLine(executable('node'), ['--version'])}; ${
      python ? firstLine(python, ['-c', PYTHON_VERSIONS]) : 'no Python with wandb'
    }.`,
    '',
    `Packages: ${packages.map((p) => `${p} ${packageVersion(p)}`).join(', ')}.`,
  ]
}

/** One comparison of the summary: a wbx case against the SDK case it replaces, with its goal. */
interface Comparison {
  label: string
  case: string
  goal: string
  /** Whether the ratios meet the goal. */
  met?: (r: { speed: number; cpu: number; memory: number }) => boolean
}

const REMOTE_COMPARISONS: Comparison[] = [
  {
    label: 'remote scan, Parquet strategy',
    case: 'parquet-rows',
    goal: '≥ 5× rows/s',
    met: (r) => r.speed >= 5,
  },
  {
    label: 'remote scan, GraphQL strategy',
    case: 'graphql-rows',
    goal: '≥ 5× rows/s',
    met: (r) => r.speed >= 5,
  },
  {
    label: 'remote export to Parquet',
    case: 'parquet-parquet',
    goal: '≤ 0.20 peak RSS',
    met: (r) => r.memory <= 0.2,
  },
  { label: 'remote export to CSV', case: 'parquet-csv', goal: '–' },
  { label: 'remote export to NDJSON', case: 'parquet-ndjson', goal: '–' },
  {
    label: 'many-runs export',
    case: 'wbx-bulk',
    goal: '≥ 10× rows/s',
    met: (r) => r.speed >= 10,
  },
]

/** A table cell for one runtime: `speed / CPU speed, memory` with a ✗ when the goal is missed. */
function cell(s: CaseSummary | undefined, all: CaseSummary[], c: Comparison): string {
  const r = s && ratiosOf(s, all)
  if (!r) return '–'
  const mark = c.met ? (c.met(r) ? ' ✓' : ' ✗') : ''
  return `${times(r.speed)} / ${times(r.cpu)} / ${r.memory.toFixed(2)}${mark}`
}

/** Rows of the ratio table from the remote benchmark. */
function remoteRows(data: RemoteData, runtimes: string[]): string[] {
  const rows: string[] = []
  for (const c of REMOTE_COMPARISONS) {
    for (const set of data.sets) {
      const all = summarize(set)
      if (!all.some((s) => s.case === c.case)) continue
      const cells = runtimes.map((rt) =>
        cell(all.find((s) => s.case === c.case && s.runtime === rt), all, c)
      )
      rows.push(`| ${c.label} | ${setTitle(set)} | ${c.goal} | ${cells.join(' | ')} |`)
    }
  }
  return rows
}

/** Rows of the ratio table from the local benchmark's markdown (`| case | runtime | ... |`). */
function localRows(markdown: string, runtimes: string[]): string[] {
  const lines = markdown.split('\n').filter((l) => l.startsWith('|'))
  const header = lines[0]?.split('|').map((s) => s.trim())
  if (!header) return []
  const col = (name: string) => header.indexOf(name)
  const [iCase, iRt, iVs, iCpu, iRss] = [
    col('case'),
    col('runtime'),
    col('vs Python'),
    col('vs Python (CPU)'),
    col('peak RSS MB'),
  ]
  if ([iCase, iRt, iVs, iCpu, iRss].some((i) => i < 0)) return []
  const cells = lines.slice(2).map((l) => l.split('|').map((s) => s.trim()))
  const pyRss = Number(cells.find((c) => c[iCase] === 'python')?.[iRss])
  const rows: string[] = []
  for (const name of ['rows', 'ndjson', 'parquet']) {
    const row = runtimes.map((rt) => {
      const c = cells.find((x) => x[iCase] === name && x[iRt] === rt)
      if (!c) return '–'
      const memory = (Number(c[iRss]) / pyRss).toFixed(2)
      const met = name === 'rows' ? (parseFloat(c[iVs]) >= 5 ? ' ✓' : ' ✗') : ''
      return `${c[iVs]} / ${c[iCpu]} / ${memory}${met}`
    })
    const goal = name === 'rows' ? '≥ 5× rows/s' : '–'
    rows.push(
      `| local decode (\`${name}\`) | same \`.wandb\` file | ${goal} | ${row.join(' | ')} |`,
    )
  }
  return rows
}

/** The ratio table: every comparison, one column per wbx runtime. */
export function ratioTable(remote: RemoteData | undefined, local: string | undefined): string[] {
  const runtimes = remote
    ? [
      ...new Set(
        remote.sets.flatMap((s) => s.results.map((r) => r.runtime)).filter((r) => r !== 'python'),
      ),
    ].sort()
    : ['bun', 'deno']
  return [
    'Each cell: speed by time / speed by CPU time / peak RSS ratio (wbx ÷ SDK; below 1 is less memory). ✓ or ✗: the goal, judged on time (and on memory for the Parquet export). Remote cases compare with the SDK case they replace (`scan_history()`, or its pandas pipeline for exports; the GraphQL strategy with the SDK on an unexported run); local cases with the Python reader of the same file.',
    '',
    `| comparison | data set | goal | ${runtimes.join(' | ')} |`,
    `|---|---|---|${runtimes.map(() => '---:').join('|')}|`,
    ...(remote ? remoteRows(remote, runtimes) : []),
    ...(local ? localRows(local, runtimes) : []),
  ]
}
