/**
 * The runs `wbx report` and `wbx plot` draw: one run (a run folder, a `.wandb` file, a run path or
 * URL, opened as every other command opens it), every run of a local `wandb/` folder, or every
 * run of a W&B project (`entity/project` or a project URL). Runs are opened one at a time.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { Api } from '../api/api.ts'
import { LocalRuns } from '../local/local_runs.ts'
import type { Row } from '../row.ts'
import {
  localReportSource,
  remoteReportSource,
  type ReportSource,
} from '../report/report_source.ts'
import type { OptionValues } from './command.ts'
import { openRun } from './open_run_source.ts'
import type { RunSource } from './run_source.ts'
import { UsageError } from './usage_error.ts'

/** Options of reportSources. */
export interface ReportSourcesOptions {
  /** Only runs whose id or name is listed. */
  runs?: string[]
  /** Stop after this many runs. @default 100 */
  maxRuns?: number
  /** Called once with a note when runs were left out by maxRuns. */
  onLimit?: (note: string) => void
  signal: AbortSignal
}

/** Whether a `<source>` that is not a local path names a project rather than one run. */
export function isProjectPath(source: string): boolean {
  if (/^https?:\/\//.test(source)) {
    const parts = new URL(source).pathname.split('/').filter((s) => s !== '')
    return !parts.includes('runs') && parts.length >= 2
  }
  return /^[^/\s]+\/[^/\s]+\/?$/.test(source)
}

/** Opens the runs a report command draws, lazily; see the module doc. */
export async function* reportSources(
  command: string,
  source: string,
  values: OptionValues,
  options: ReportSourcesOptions,
): AsyncGenerator<ReportSource> {
  const max = options.maxRuns ?? 100
  const wanted = options.runs ? new Set(options.runs) : undefined
  const pick = (id: string, name: string): boolean => !wanted || wanted.has(id) || wanted.has(name)
  let yielded = 0
  const limited = (): boolean => {
    if (yielded < max) return false
    options.onLimit?.(`only the first ${max} runs are drawn; raise --max-runs or pick --runs`)
    return true
  }
  if (existsSync(source)) {
    const runs = await LocalRuns.open(source).catch(() => undefined)
    if (runs) {
      for (const id of runs.ids()) {
        options.signal.throwIfAborted()
        const run = await runs.get(id, { strict: values.strict === true, signal: options.signal })
        if (!pick(run.id, run.name)) continue
        if (limited()) return
        yielded++
        yield localReportSource(run)
      }
      if (yielded === 0) throw new Error(noneMatch(source, options.runs))
      return
    }
  } else if (isProjectPath(source)) {
    if (values.strict) throw new UsageError('--strict applies to local .wandb files', command)
    const stream = new Api().runs(source, { lazy: false, signal: options.signal })
    for await (const page of stream) {
      for (const run of page) {
        if (!pick(run.id, run.displayName ?? run.name ?? '')) continue
        if (limited()) {
          await stream.cancel().catch(() => {})
          return
        }
        yielded++
        yield remoteReportSource(run)
      }
    }
    if (yielded === 0) throw new Error(noneMatch(source, options.runs))
    return
  }
  const run = await openRun(command, [source], values, options.signal)
  yield await runSourceReport(run, options.signal)
}

function noneMatch(source: string, runs: string[] | undefined): string {
  return runs
    ? `No run in ${source} has an id or name in --runs ${
      runs.join(',')
    }; list them with wbx runs ${source}`
    : `No runs in ${source}`
}

/** A report source over the CLI's RunSource of one run. */
export async function runSourceReport(run: RunSource, signal: AbortSignal): Promise<ReportSource> {
  const info = await run.info(signal)
  const summary = withoutWandb(await run.summary(signal))
  const config = withoutWandb(await run.config(false, signal))
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
  const wandb = summary._wandb as { runtime?: unknown } | undefined
  const duration = [info.runtime, summary._runtime, wandb?.runtime].find((v) =>
    typeof v === 'number'
  ) as number | undefined
  const folders = info.folders as string[] | undefined
  return {
    facts: {
      id: String(info.id),
      name: text(info.display_name) ?? text(info.name) ?? String(info.id),
      path: folders?.length
        ? folders[folders.length - 1]
        : Array.isArray(info.path)
        ? info.path.join('/')
        : String(info.path ?? ''),
      url: text(info.url),
      state: String(info.state),
      createdAt: text(info.created_at),
      durationSeconds: duration ?? null,
      tags: Array.isArray(info.tags) ? info.tags.map(String) : [],
      notes: text(info.notes),
      group: text(info.group),
      jobType: text(info.job_type),
      config,
      summary,
    },
    history: (s) => run.history({ signal: s ?? signal }),
    systemMetrics: (s) => run.systemMetrics(s ?? signal),
    warnings: () => run.warnings().map((w) => w.replace(/^(warning|note): /, '')),
  }
}

function withoutWandb(doc: Row): Row {
  const out: Row = {}
  for (const [k, v] of Object.entries(doc)) if (k !== '_wandb') out[k] = v
  return out
}
