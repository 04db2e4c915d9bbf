/**
 * The RunSource of any {@link RunReader}: what every run command reads, through the one reader
 * interface. A local run and a server run add their own extras over it (`local_source.ts`,
 * `remote_source.ts`); a third kind of run is read through this alone.
 *
 * @module
 */
import { historyColumnSchema } from '../export/history_types.ts'
import type { FollowEnd } from '../local/follow_log.ts'
import type {
  RunFollowEnd,
  RunFollowOptions,
  RunHistoryOptions,
  RunReader,
} from '../source/run_reader.ts'
import type { FollowSelection, HistorySelection, LogSelection, RunSource } from './run_source.ts'
import type { Row } from '../row.ts'
import { downloadReaderFiles } from '../source/download_reader_files.ts'
import { artifactEntryRow, artifactRows, fileRow, infoRow } from '../source/rows.ts'

/** The one history options object of a CLI history selection, for any reader. */
export function historyOptions(s: HistorySelection): RunHistoryOptions {
  return {
    keys: s.keys,
    keysMode: s.keysMode,
    minStep: s.minStep,
    maxStep: s.maxStep,
    signal: s.signal,
    onMissingKeys: s.onMissingKeys,
    ...followOptions(s.follow),
  }
}

/** The reader follow options of a CLI follow selection (none without one). */
export function followOptions(follow: FollowSelection | undefined): RunFollowOptions {
  if (!follow) return {}
  return {
    follow: true,
    idleTimeoutMs: follow.idleTimeoutMs,
    onEnd: (end) => follow.onEnd(followEndMessage(end)),
  }
}

/** The stderr line for how a followed run ended, whatever the source. */
export function followEndMessage(end: RunFollowEnd): string {
  if ('records' in end) return localEndMessage(end)
  if ('lastStep' in end) {
    return `the run is ${end.state}; followed to its end (last step ${end.lastStep}, ${end.rows} rows)`
  }
  return `the run is ${end.state}; followed to its end`
}

/** The stderr line for how a followed local run ended. */
export function localEndMessage(end: FollowEnd): string {
  if (end.state === 'crashed') {
    return `warning: the run's log stopped growing without an exit record (state crashed: the writer was killed or lost); every intact record was read (${end.records} records, ${end.bytes} bytes)`
  }
  return `the run ${end.state} (exit code ${end.exitCode}); followed to its end`
}

/** Reads any RunReader for the CLI: rows, attributes and lists in the reader's own terms. */
export function readerSource(reader: RunReader): RunSource {
  return {
    id: reader.id,
    historyRows: attempt(() => reader.historyLineCount),
    history: (s: HistorySelection) => {
      if (s.source !== undefined) {
        throw new TypeError('--source applies to runs on a W&B server')
      }
      return reader.scanHistory(historyOptions(s))
    },
    historySchema: () => {
      try {
        return Promise.resolve(historyColumnSchema(reader.historyKeys))
      } catch {
        return Promise.resolve(undefined) // no keys up front: the columns are inferred
      }
    },
    systemMetrics: (signal, follow) =>
      Promise.resolve(reader.scanSystemMetrics({ signal, ...followOptions(follow) })),
    summary: () => Promise.resolve(reader.summary),
    config: (raw) => Promise.resolve(raw ? reader.rawconfig : reader.config),
    info: async (signal) => infoRow(await readerInfo(reader, signal)),
    logs: (s: LogSelection) => {
      if (s.stream !== undefined || s.errorPrefix || s.follow) {
        throw new TypeError('--stream, --error-prefix and --follow apply to local and W&B runs')
      }
      return reader.consoleText({ signal: s.signal })
    },
    files: async ({ md5, signal }) => (await reader.listFiles({ md5, signal })).map(fileRow),
    downloadFiles: (dir, { replace, signal, progress }) =>
      downloadReaderFiles(reader, dir, { replace, signal, progress }),
    artifacts: async ({ direction, entries, signal }) => {
      if (!entries) return await artifactRows(reader, direction, signal)
      const rows: Row[] = []
      for (const d of direction ? [direction] : ['logged', 'used'] as const) {
        for (const e of await reader.listArtifactEntries(d, { signal })) {
          rows.push(artifactEntryRow(e))
        }
      }
      return rows
    },
    warnings: () => [],
  }
}

/**
 * The attributes every reader has, in its camelCase names, for {@link infoRow}; a source adds
 * its own over them.
 */
export async function readerInfo(
  reader: RunReader,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  return {
    id: reader.id,
    name: reader.name,
    entity: reader.entity,
    project: reader.project,
    path: reader.path,
    state: reader.state,
    createdAt: reader.createdAt,
    heartbeatAt: reader.heartbeatAt,
    tags: reader.tags,
    notes: reader.notes,
    group: reader.group,
    jobType: reader.jobType,
    lastHistoryStep: await reader.readLastHistoryStep({ signal }),
    historyLineCount: attempt(() => reader.historyLineCount),
    historyKeys: Object.keys(reader.historyKeys?.keys ?? {}),
  }
}

/** A value a reader may not have up front (a local run opened without its full pass), else undefined. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}
