/**
 * Exporting one run: decide the action from the manifest's watermarks, record the new watermarks
 * (durably, before any file changes), write the history parts and the other included parts, and
 * mark the run complete.
 *
 * @module
 */
import type { ExportFormat } from '../export/mod.ts'
import type { ParquetWorkers } from '../export/parquet_workers.ts'
import type { DecodeThreads } from '../api/history/group_decode_job.ts'
import type { BulkRun } from './bulk_source.ts'
import type { ByteBudget } from './byte_budget.ts'
import type { ExportState } from './export_state.ts'
import type { HistorySchema } from './history_schema.ts'
import { exportHistoryParts, HistoryRewoundError } from './history_parts.ts'
import { encodeRunId, filesDir, partitionDir } from './layout.ts'
import type { Include, RunEntry } from './manifest.ts'
import { decideAction, type RunAction } from './run_action.ts'
import { runBytes } from './run_memory.ts'
import { exportArtifacts, exportFiles, exportLogs, exportSystem } from './run_extras.ts'
import { removeUnrecorded } from './sweep.ts'

/** What one run's export needs. */
export interface RunExportContext {
  /** The export folder. */
  dir: string
  /** Manifest and journal. */
  state: ExportState
  /** What to export. */
  include: Include
  /** Table format. */
  format: ExportFormat
  /** Parquet codec. */
  codec?: string
  /** Most rows per history part. */
  partRows: number
  /** Only these history keys. */
  keys?: string[]
  /** The dataset's history schema. @default the run's `historyKeys` */
  schema?: HistorySchema
  /** SQL LIKE pattern for run files. */
  filePattern?: string
  /** The export's byte budget: the run reserves what it may hold before reading. @default none */
  budget?: ByteBudget
  /** Encoder workers for Parquet history parts. @default the main thread */
  workers?: ParquetWorkers
  /** Threads to decode remote history exports on (the encoder workers). @default the main thread */
  decodeThreads?: DecodeThreads
  /** Cancels the export. */
  signal: AbortSignal
  /** Called with history rows written. */
  onRows?: (rows: number) => void
  /** Called with bytes written. */
  onBytes?: (bytes: number) => void
  /** Clock for `exportedAt`. @default Date.now */
  now?: () => number
}

/** What happened to a run. */
export interface RunOutcome {
  /** The action taken. */
  action: RunAction
  /** History rows written. */
  rows: number
}

/** Exports one opened run as its manifest entry and the source's watermarks call for. */
export async function exportRun(run: BulkRun, ctx: RunExportContext): Promise<RunOutcome> {
  const { state, include } = ctx
  const previous = state.entry(run.id)
  let action = decideAction(previous, run, include)
  if (action === 'skip') {
    await state.clearFailure(run.id)
    return { action, rows: 0 }
  }
  const columns = ctx.schema?.columns.length ?? Object.keys(run.historyKeys).length + 1
  const release = await ctx.budget?.reserve(runBytes(run.historyLineCount, columns), ctx.signal)
  let rows: number
  try {
    rows = await exportOnce(run, previous, action, ctx)
  } catch (err) {
    if (!(err instanceof HistoryRewoundError)) throw err
    // The row at the last exported step changed: the run was rewound, so its parts are stale.
    action = 'rewrite'
    rows = await exportOnce(run, state.entry(run.id), action, ctx)
  } finally {
    release?.()
  }
  return { action, rows }
}

/** One pass: records the watermarks, writes what the action needs, marks the run complete. */
async function exportOnce(
  run: BulkRun,
  previous: RunEntry | undefined,
  action: RunAction,
  ctx: RunExportContext,
): Promise<number> {
  const { state, include, dir } = ctx
  const fresh = action === 'new' || action === 'rewrite'
  const start: RunEntry = {
    id: run.id,
    name: run.name,
    state: run.state,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    historyLineCount: run.historyLineCount,
    lastHistoryStep: run.lastHistoryStep,
    complete: false,
  }
  if (include.history) {
    start.history = !fresh && previous?.history
      ? previous.history
      : { lastStep: -1, rows: 0, parts: [] }
  }
  if (previous?.files) start.files = previous.files
  if (!fresh && previous) {
    // Parts not asked for this time keep their last export.
    if (!include.system && previous.system !== undefined) start.system = previous.system
    if (!include.logs && previous.logs !== undefined) start.logs = previous.logs
    if (!include.artifacts && previous.artifacts !== undefined) start.artifacts = previous.artifacts
  }
  await state.putRun(start)
  if (fresh && previous) {
    // The old files are no longer recorded; remove them (the watermarks above are on disk first).
    for (const table of ['history', 'system', 'artifacts'] as const) {
      await removeUnrecorded(dir, partitionDir(table, run.id), new Set())
    }
    await removeUnrecorded(dir, logDir(run.id), new Set())
  }
  let rows = 0
  if (include.history) {
    const history = state.entry(run.id)!.history!
    await removeUnrecorded(
      dir,
      partitionDir('history', run.id),
      new Set(history.parts.map((p) => p.file)),
    )
    const last = history.parts.at(-1)
    const watermark = last && last.maxStep !== null
      ? { step: last.maxStep, hash: last.lastRowHash ?? null }
      : undefined
    await exportHistoryParts(run, history.lastStep + 1, history.parts.length, {
      dir,
      format: ctx.format,
      codec: ctx.codec,
      partRows: ctx.partRows,
      expectedRows: run.historyLineCount - history.rows,
      keys: ctx.keys,
      schema: ctx.schema,
      workers: ctx.workers,
      decodeThreads: ctx.decodeThreads,
      signal: ctx.signal,
      onPart: async (part) => {
        await state.addPart(run.id, part)
        ctx.onBytes?.(part.bytes)
      },
      onRows: (n) => {
        rows += n
        ctx.onRows?.(n)
      },
    }, watermark)
  }
  const extras = {
    dir,
    format: ctx.format,
    codec: ctx.codec,
    signal: ctx.signal,
    onBytes: ctx.onBytes,
  }
  const done: RunEntry = { ...state.entry(run.id)! }
  if (include.system) done.system = await exportSystem(run, extras)
  if (include.logs) done.logs = await exportLogs(run, extras)
  if (include.artifacts) done.artifacts = await exportArtifacts(run, extras)
  if (include.files) {
    done.files = await exportFiles(run, start.files, ctx.filePattern, extras)
    const keep = new Set(done.files.map((f) => f.file))
    await removeUnrecorded(dir, filesDir(run.id), keep)
  }
  done.complete = true
  done.exportedAt = new Date((ctx.now ?? Date.now)()).toISOString()
  await state.putRun(done)
  await state.clearFailure(run.id)
  return rows
}

/** The folder of a run's console log, relative to the export folder. */
function logDir(runId: string): string {
  return `logs/${encodeRunId(runId)}`
}
