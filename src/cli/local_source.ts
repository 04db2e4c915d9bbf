/**
 * The RunSource of a local run folder or `.wandb` file. `history`, `system` and `logs` open the
 * run with the minimal metadata pass (no history, stats or summary decoding); the keys the
 * history command reports as never logged come from the scan itself, as for a remote run.
 *
 * @module
 */
import { realpath, stat } from 'node:fs/promises'
import type { Row } from '../row.ts'
import { historyColumnSchema } from '../export/history_types.ts'
import { LocalRun } from '../local/local_run.ts'
import { formatDamageReport, isDamaged } from '../local/damage_report.ts'
import type { FollowEnd, FollowOptions } from '../local/follow_log.ts'
import type { FollowSelection, HistorySelection, LogSelection, RunSource } from './run_source.ts'
import { runInfo } from './run_info.ts'
import { consoleBytes } from '../local/console_stream.ts'

/** The commands that only stream rows or lines, so need no history-derived attributes. */
const STREAM_COMMANDS: ReadonlySet<string> = new Set(['history', 'system', 'logs'])

/** Options of openLocalSource. */
export interface OpenLocalSourceOptions {
  /** Fail at the first damaged byte range. @default false */
  strict?: boolean
  /** Aborts opening. */
  signal?: AbortSignal
  /**
   * The command follows the run: a symbolic link such as `wandb/latest-run` is resolved now, so
   * the run it points to is followed even when the link moves on to a newer run.
   * @default false
   */
  follow?: boolean
}

/**
 * Opens a local run for a command: `history`, `system` and `logs` use the minimal metadata
 * pass, every other command the full one.
 */
export async function openLocalSource(
  path: string,
  command: string,
  options: OpenLocalSourceOptions = {},
): Promise<RunSource> {
  const source = options.follow ? await realpath(path) : path
  const run = await LocalRun.open(source, {
    strict: options.strict,
    signal: options.signal,
    metadata: STREAM_COMMANDS.has(command) ? 'minimal' : 'full',
  })
  // A followed run's log may still be empty: following waits for its first records.
  if (!options.follow) await refuseEmptyLogs(run.wandbFiles)
  // The history schema needs the full pass (the key/type tally); it is read only when asked.
  const full = run.metadataPass === 'full'
    ? () => Promise.resolve(run)
    : (signal: AbortSignal) => LocalRun.open(path, { strict: options.strict, signal })
  return localSource(run, full)
}

/**
 * Throws when every `.wandb` file of the run is empty (0 bytes): it holds no record at all, so a
 * command would print nothing and exit 0 as if the run had no data.
 */
async function refuseEmptyLogs(files: string[]): Promise<void> {
  const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size, () => -1)))
  if (files.length > 0 && sizes.every((size) => size === 0)) {
    throw new Error(
      `Cannot read ${files.join(', ')}: the file is empty (0 bytes) and holds no run records; ` +
        'the run has not written anything yet or the file was cut to nothing (copy it again)',
    )
  }
}

/**
 * Wraps a LocalRun (opened with either metadata pass) for the CLI; `full` gives the run with
 * the full metadata pass (for the history schema).
 */
export function localSource(
  run: LocalRun,
  full: (signal: AbortSignal) => Promise<LocalRun> = () => Promise.resolve(run),
): RunSource {
  return {
    id: run.id,
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
      return run.scanHistory({
        keys: s.keys,
        keysMode: s.keysMode,
        minStep: s.minStep,
        maxStep: s.maxStep,
        signal: s.signal,
        onRead: s.onRead,
        onMissingKeys: s.onMissingKeys,
        ...localFollow(s.follow),
      })
    },
    systemMetrics: (signal, follow, onRead) =>
      Promise.resolve(run.scanSystemMetrics({ signal, onRead, ...localFollow(follow) })),
    summary: () => Promise.resolve(run.summary),
    config: (raw) => Promise.resolve(raw ? run.rawconfig : run.config),
    info: () => Promise.resolve(runInfo(run)),
    logs: (s: LogSelection) => {
      const lines = run.consoleLines({
        stream: s.stream,
        ansi: s.ansi ? 'keep' : 'strip',
        errorPrefix: s.errorPrefix,
        signal: s.signal,
        onRead: s.onRead,
        ...localFollow(s.follow),
      })
      return Promise.resolve(lines.pipeThrough(consoleBytes()))
    },
    files: async ({ md5 }) => {
      const rows: Row[] = []
      for (const f of await run.files()) {
        rows.push({
          name: f.name,
          sizeBytes: f.sizeBytes,
          mimetype: f.mimetype,
          updatedAt: f.updatedAt,
          policy: f.policy,
          present: f.path !== null,
          path: f.path,
          ...(md5 ? { md5: f.path !== null ? await f.md5() : null } : {}),
        })
      }
      return rows
    },
    downloadFiles: () => {
      throw new TypeError(
        "--download applies to runs on a W&B server; a local run's files are already on disk",
      )
    },
    artifacts: async ({ direction, entries, signal }) => {
      const rows: Row[] = []
      if (entries) {
        for (const a of await run.loggedArtifacts({ signal })) {
          for (const e of a.manifest?.entries ?? []) {
            rows.push({
              artifact: a.name,
              type: a.type,
              path: e.path,
              digest: e.digest,
              size: e.size,
              ref: e.ref || null,
            })
          }
        }
        return rows
      }
      if (direction !== 'used') {
        for (const a of await run.loggedArtifacts({ signal })) {
          rows.push({
            direction: 'logged',
            name: a.name,
            type: a.type,
            version: a.version,
            aliases: a.aliases,
            tags: a.tags,
            digest: a.digest,
            size: a.size,
            fileCount: a.fileCount,
            description: a.description,
            metadata: a.metadata,
            id: null,
          })
        }
      }
      if (direction !== 'logged') {
        for (const a of await run.usedArtifacts({ signal })) {
          rows.push({ direction: 'used', name: a.name, type: a.type, version: a.version, id: a.id })
        }
      }
      return rows
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

/** The LocalRun follow options of a CLI follow selection (none without one). */
function localFollow(follow: FollowSelection | undefined): FollowOptions {
  if (!follow) return {}
  return {
    follow: true,
    idleTimeoutMs: follow.idleTimeoutMs,
    onEnd: (end) => follow.onEnd(localEndMessage(end)),
  }
}

/** The stderr line for how a followed local run ended. */
export function localEndMessage(end: FollowEnd): string {
  if (end.state === 'crashed') {
    return `warning: the run's log stopped growing without an exit record (state crashed: the writer was killed or lost); every intact record was read (${end.records} records, ${end.bytes} bytes)`
  }
  return `the run ${end.state} (exit code ${end.exitCode}); followed to its end`
}
