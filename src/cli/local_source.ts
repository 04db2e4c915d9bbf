/**
 * The RunSource of a local run folder or `.wandb` file. `history`, `system` and `logs` open the
 * run with the minimal metadata pass (no history, stats or summary decoding); the keys the
 * history command reports as never logged come from the scan itself, as for a remote run.
 *
 * @module
 */
import { historyColumnSchema } from '../export/history_types.ts'
import { LocalRun } from '../local/local_run.ts'
import { formatDamageReport, isDamaged } from '../local/damage_report.ts'
import { openLocalRun, type OpenRunOptions } from '../source/open_run.ts'
import type { HistorySelection, LogSelection, RunSource } from './run_source.ts'
import { followOptions, historyOptions, readerSource } from './reader_source.ts'
import { runInfo } from './run_info.ts'
import { consoleBytes } from '../local/console_stream.ts'

/** The commands that only stream rows or lines, so need no history-derived attributes. */
const STREAM_COMMANDS: ReadonlySet<string> = new Set(['history', 'system', 'logs'])

/** Options of openLocalSource. */
export type OpenLocalSourceOptions = Pick<OpenRunOptions, 'strict' | 'signal' | 'follow'>

/**
 * Opens a local run for a command: `history`, `system` and `logs` use the minimal metadata
 * pass, every other command the full one.
 */
export async function openLocalSource(
  path: string,
  command: string,
  options: OpenLocalSourceOptions = {},
): Promise<RunSource> {
  const metadata = STREAM_COMMANDS.has(command) ? 'minimal' : 'full'
  const run = await openLocalRun(path, { ...options, metadata })
  return localSource(run, reopenFull(path, options))
}

/** Reopens a local run with the full metadata pass (for the history schema). */
export function reopenFull(
  path: string,
  options: OpenLocalSourceOptions,
): (signal: AbortSignal) => Promise<LocalRun> {
  return (signal) => LocalRun.open(path, { strict: options.strict, signal, metadata: 'full' })
}

/**
 * Wraps a LocalRun (opened with either metadata pass) for the CLI; `full` gives the run with
 * the full metadata pass (for the history schema).
 */
export function localSource(
  run: LocalRun,
  full: (signal: AbortSignal) => Promise<LocalRun> = () => Promise.resolve(run),
): RunSource {
  const base = readerSource(run)
  return {
    ...base,
    historyRows: undefined,
    logBytes: logBytes(run),
    historySchema: async (signal, pass = true) => {
      if (run.metadataPass !== 'full' && !pass) return undefined
      const counted = run.metadataPass === 'full' ? run : await full(signal)
      return historyColumnSchema(counted.historyKeys, counted.historyDoubles)
    },
    history: (s: HistorySelection) => {
      if (s.source !== undefined) {
        throw new TypeError('--source applies to runs on a W&B server, not local runs')
      }
      return run.scanHistory({ ...historyOptions(s), onRead: s.onRead })
    },
    systemMetrics: (signal, follow, onRead) =>
      Promise.resolve(run.scanSystemMetrics({ signal, onRead, ...followOptions(follow) })),
    info: () => Promise.resolve(runInfo(run)),
    logs: (s: LogSelection) => {
      const lines = run.consoleLines({
        stream: s.stream,
        ansi: s.ansi ? 'keep' : 'strip',
        errorPrefix: s.errorPrefix,
        signal: s.signal,
        onRead: s.onRead,
        ...followOptions(s.follow),
      })
      return Promise.resolve(lines.pipeThrough(consoleBytes()))
    },
    downloadFiles: () => {
      throw new TypeError(
        "--download applies to runs on a W&B server; a local run's files are already on disk",
      )
    },
    warnings: () =>
      run.damage.filter(isDamaged).map((report) =>
        `warning: damaged log, every intact record was read\n${formatDamageReport(report)}`
      ),
  }
}

/**
 * The size of the run's `.wandb` files, which a read reports its progress through; undefined
 * for pre-0.10 folders (their files are read whole, without byte progress).
 */
function logBytes(run: LocalRun): number | undefined {
  if (run.segments.some((s) => s.layout === 'pre-0.10')) return undefined
  return run.segments.reduce((sum, s) => sum + s.sizeBytes, 0)
}
