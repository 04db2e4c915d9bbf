/**
 * The RunSource of a local run folder or `.wandb` file. `history`, `system` and `logs` open the
 * run with the minimal metadata pass (no history, stats or summary decoding); the keys the
 * history command reports as never logged then come from what the scan saw.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { historyColumnSchema } from '../export/history_types.ts'
import { LocalRun } from '../local/local_run.ts'
import type { ConsoleLine } from '../local/console_output.ts'
import { formatDamageReport, isDamaged } from '../local/damage_report.ts'
import type { HistorySelection, LogSelection, RunSource } from './run_source.ts'
import { runInfo } from './run_info.ts'

/** The commands that only stream rows or lines, so need no history-derived attributes. */
const STREAM_COMMANDS: ReadonlySet<string> = new Set(['history', 'system', 'logs'])

/** Options of openLocalSource. */
export interface OpenLocalSourceOptions {
  /** Fail at the first damaged byte range. @default false */
  strict?: boolean
  /** Aborts opening. */
  signal?: AbortSignal
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
  const run = await LocalRun.open(path, {
    strict: options.strict,
    signal: options.signal,
    metadata: STREAM_COMMANDS.has(command) ? 'minimal' : 'full',
  })
  // The history schema needs the full pass (the key/type tally); it is read only when asked.
  const full = run.metadataPass === 'full'
    ? () => Promise.resolve(run)
    : (signal: AbortSignal) => LocalRun.open(path, { strict: options.strict, signal })
  return localSource(run, full)
}

/**
 * Wraps a LocalRun (opened with either metadata pass) for the CLI; `full` gives the run with
 * the full metadata pass (for the history schema).
 */
export function localSource(
  run: LocalRun,
  full: (signal: AbortSignal) => Promise<LocalRun> = () => Promise.resolve(run),
): RunSource {
  const keys = new KeyWatch(run)
  return {
    historySchema: async (signal, pass = true) => {
      if (run.metadataPass !== 'full' && !pass) return undefined
      const counted = run.metadataPass === 'full' ? run : await full(signal)
      return historyColumnSchema(counted.historyKeys, counted.historyDoubles)
    },
    history: (s: HistorySelection) => {
      if (s.source !== undefined) {
        throw new TypeError('--source applies to runs on a W&B server, not local runs')
      }
      const rows = run.scanHistory({
        keys: s.keys,
        keysMode: s.keysMode,
        minStep: s.minStep,
        maxStep: s.maxStep,
        signal: s.signal,
      })
      return keys.watch(rows, s)
    },
    historyKeyNames: (signal) => keys.names(signal),
    systemMetrics: (signal) => Promise.resolve(run.scanSystemMetrics({ signal })),
    summary: () => Promise.resolve(run.summary),
    config: (raw) => Promise.resolve(raw ? run.rawconfig : run.config),
    info: () => Promise.resolve(runInfo(run)),
    logs: (s: LogSelection) => {
      const encoder = new TextEncoder()
      const lines = run.consoleLines({
        stream: s.stream,
        ansi: s.ansi ? 'keep' : 'strip',
        errorPrefix: s.errorPrefix,
        signal: s.signal,
      })
      return Promise.resolve(lines.pipeThrough(
        new TransformStream<ConsoleLine[], Uint8Array>({
          transform(batch, controller) {
            if (batch.length) {
              controller.enqueue(encoder.encode(batch.map((l) => l.text).join('\n') + '\n'))
            }
          },
        }),
      ))
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
 * Answers `historyKeyNames` for a run opened either way: from `historyKeys` after a full pass,
 * else from the requested keys the last history scan emitted, rescanning only for keys it did
 * not see when its filters (`keysMode: 'all'`, a step range) could have hidden them.
 */
class KeyWatch {
  readonly #run: LocalRun
  #requested: string[] = []
  #seen = new Set<string>()
  #exact = false

  /** Creates a watch over one run's history scans. */
  constructor(run: LocalRun) {
    this.#run = run
  }

  /** Passes a scan's batches through, noting which requested keys its rows hold. */
  watch(rows: ReadableStream<Row[]>, s: HistorySelection): ReadableStream<Row[]> {
    if (this.#run.metadataPass === 'full' || !s.keys?.length) return rows
    const requested = (this.#requested = [...new Set(s.keys)])
    const seen = (this.#seen = new Set())
    this.#exact = (s.keysMode ?? 'any') === 'any' && s.minStep === undefined &&
      s.maxStep === undefined
    return rows.pipeThrough(
      new TransformStream<Row[], Row[]>({
        transform(batch, controller) {
          if (seen.size < requested.length) {
            for (const row of batch) {
              for (const k of requested) if (Object.hasOwn(row, k)) seen.add(k)
            }
          }
          controller.enqueue(batch)
        },
      }),
    )
  }

  /** The logged key names, as far as the requested keys go in minimal mode. */
  async names(signal: AbortSignal): Promise<string[]> {
    if (this.#run.metadataPass === 'full') return Object.keys(this.#run.historyKeys.keys)
    if (this.#requested.length === 0) {
      const all = new Set<string>()
      for await (const batch of this.#run.scanHistory({ signal })) {
        for (const row of batch) for (const k of Object.keys(row)) all.add(k)
      }
      return [...all]
    }
    const unseen = this.#requested.filter((k) => !this.#seen.has(k))
    if (unseen.length === 0 || this.#exact) return [...this.#seen]
    const found = new Set(this.#seen)
    for await (const batch of this.#run.scanHistory({ keys: unseen, signal })) {
      for (const row of batch) for (const k of unseen) if (Object.hasOwn(row, k)) found.add(k)
      if (found.size === this.#requested.length) break
    }
    return [...found]
  }
}
