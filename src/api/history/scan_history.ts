/**
 * `scanHistory`: every logged history row of a remote run, in step order, as a stream of batches.
 *
 * Two strategies stand behind it. With Parquet exports, the server's signed export files are
 * read with HTTP range requests (one row group per read, only the requested columns) and merged
 * with the rows not yet exported, which come from GraphQL `history` pages. Without exports, the
 * whole step range is paged through GraphQL. Both yield the same rows: sparse objects (only the
 * keys that have a value at that step, nulls dropped), `_step` an integer, nested values as
 * objects, NaN and ±Infinity as numbers.
 *
 * @module
 */
import type { Row } from '../../row.ts'
import { type HistoryRunRef, type HistoryTransport, runPathOf } from './history_types.ts'
import { KeySelection, type KeysMode } from './key_selection.ts'
import { findLastHistoryStep } from './last_history_step.ts'
import { runNotFound } from './history_request.ts'
import { openExportSources } from './open_exports.ts'
import type { SignedFetchOptions } from './signed_fetch.ts'
import { StepMerger } from './step_merge.ts'
import { LiveHistorySource } from './step_sources.ts'

/** Where rows come from: Parquet exports plus live tail, GraphQL pages only, or exports when the server has them. */
export type HistorySource = 'auto' | 'parquet' | 'graphql'

/** What a finished scan read; passed to `onComplete`. */
export interface HistoryScanReport {
  /** `entity/project/run_id`. */
  run: string
  /** The strategy used: `'parquet'` (exports plus live tail) or `'graphql'` (pages only). */
  source: 'parquet' | 'graphql'
  /** Export files read. */
  parquetFiles: number
  /** Rows read from export files inside the step range, before key selection. */
  parquetRows: number
  /** Rows read from GraphQL `history` pages, before key selection. */
  liveRows: number
  /** GraphQL `history` pages requested. */
  livePages: number
  /** Rows emitted. */
  rows: number
  /** Rows that shared a step with another row and were merged into it (e.g. the seam step). */
  mergedDuplicates: number
  /** Rows the server sent without a numeric `_step`, skipped. */
  rowsWithoutStep: number
  /** The run's `lastHistoryStep` when the scan began (-1: no history). */
  lastHistoryStep: number
  /** First step read from GraphQL after the exports, or null when none was needed. */
  liveFromStep: number | null
  /** Requested keys that had no value in any row of the step range. */
  missingKeys: string[]
}

/** Options for {@linkcode scanHistory}. */
export interface ScanHistoryOptions {
  /** Keys to keep (`_step` is always kept); every key when undefined. Keys match top-level names. @default undefined */
  keys?: string[]
  /** With `keys`: keep rows with any of them, or only rows with all of them (the SDK's behaviour). @default 'any' */
  keysMode?: KeysMode
  /** Steps per GraphQL page. @default 1000 */
  pageSize?: number
  /** First step to read (inclusive). @default 0 */
  minStep?: number
  /** Step to stop before (exclusive), clamped to `lastHistoryStep + 1`. @default lastHistoryStep + 1 */
  maxStep?: number
  /** Parquet exports plus live tail, GraphQL pages only, or exports when they exist. @default 'auto' */
  source?: HistorySource
  /** Cancels the scan; the stream then errors with the signal's reason. */
  signal?: AbortSignal
  /** Batches prepared ahead of the reader: while batch N is processed, N+1 is read, and no more. @default 1 */
  prefetch?: number
  /** How signed export URLs are fetched (never with credentials): fetch, retries, timeouts. */
  exportFetch?: Omit<SignedFetchOptions, 'signal'>
  /** Called once at the end of the scan with the requested keys that never had a value (only when some did not). */
  onMissingKeys?: (keys: string[]) => void
  /** Called once when the scan has read everything, before the stream closes. */
  onComplete?: (report: HistoryScanReport) => void
}

/** Checks options up front so misuse fails at the call, not mid-stream. */
function checkOptions(options: ScanHistoryOptions): void {
  const { keys, keysMode, pageSize, minStep, maxStep, source, prefetch } = options
  if (keys !== undefined && (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string'))) {
    throw new TypeError(
      `Cannot scan history: keys must be an array of strings, got ${String(keys)}`,
    )
  }
  if (keysMode !== undefined && keysMode !== 'any' && keysMode !== 'all') {
    throw new TypeError(`Cannot scan history: keysMode must be 'any' or 'all', got '${keysMode}'`)
  }
  if (source !== undefined && !['auto', 'parquet', 'graphql'].includes(source)) {
    throw new TypeError(
      `Cannot scan history: source must be 'auto', 'parquet' or 'graphql', got '${source}'`,
    )
  }
  const integer = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < min)) {
      throw new RangeError(`Cannot scan history: ${name} must be an integer ≥ ${min}, got ${v}`)
    }
  }
  integer('pageSize', pageSize, 1)
  integer('minStep', minStep, 0)
  integer('maxStep', maxStep, 0)
  integer('prefetch', prefetch, 0)
}

/**
 * Streams every history row of `run` with `_step` in `[minStep, maxStep)`, in step order, in
 * batches (one export row group or one GraphQL page each). Nothing is sampled. Keys that never
 * had a value are reported through `onMissingKeys` and in the `onComplete` report.
 */
export function scanHistory(
  transport: HistoryTransport,
  run: HistoryRunRef,
  options: ScanHistoryOptions = {},
): ReadableStream<Row[]> {
  checkOptions(options)
  const controller = new AbortController()
  const outer = options.signal
  const onOuterAbort = () => controller.abort(outer?.reason)
  if (outer?.aborted) controller.abort(outer.reason)
  else outer?.addEventListener('abort', onOuterAbort, { once: true })
  const signal = controller.signal
  const selection = new KeySelection(options.keys, options.keysMode ?? 'any')
  let scan: Promise<ScanState> | undefined
  let emitted = 0

  return new ReadableStream<Row[]>({
    async pull(stream) {
      try {
        signal.throwIfAborted()
        scan ??= openScan(transport, run, options, signal)
        const state = await scan
        for (;;) {
          const batch = await state.merger.next()
          signal.throwIfAborted()
          if (batch === null) {
            outer?.removeEventListener('abort', onOuterAbort)
            finish(state, selection, emitted, options)
            stream.close()
            return
          }
          const rows = selection.select(batch)
          if (rows.length > 0) {
            emitted += rows.length
            stream.enqueue(rows)
            return
          }
        }
      } catch (err) {
        outer?.removeEventListener('abort', onOuterAbort)
        throw err
      }
    },
    cancel(reason) {
      outer?.removeEventListener('abort', onOuterAbort)
      controller.abort(reason)
    },
  }, { highWaterMark: options.prefetch ?? 1 })
}

/** Everything a running scan holds. */
interface ScanState {
  path: string
  merger: StepMerger
  source: 'parquet' | 'graphql'
  parquetFiles: number
  live: LiveHistorySource
  lastHistoryStep: number
  liveFromStep: number | null
}

/** Resolves the step range, picks the strategy and builds the merged sources. */
async function openScan(
  transport: HistoryTransport,
  run: HistoryRunRef,
  options: ScanHistoryOptions,
  signal: AbortSignal,
): Promise<ScanState> {
  const minStep = options.minStep ?? 0
  const pageSize = options.pageSize ?? 1000
  const last = await findLastHistoryStep(transport, run, signal)
  if (last === undefined) throw runNotFound(run, 'scan the history')
  const stop = options.maxStep === undefined || options.maxStep > last ? last + 1 : options.maxStep
  const wanted = options.source ?? 'auto'
  const exports = wanted === 'graphql' || stop <= minStep ? undefined : await openExportSources(
    transport,
    run,
    { minStep, stop, keys: options.keys, signal, fetch: options.exportFetch },
  )
  if (wanted === 'parquet' && exports && exports.urls === 0) {
    throw new Error(
      `Cannot scan the history of ${
        runPathOf(run)
      } from Parquet exports: the server has no exports for this run yet; use source 'auto' or 'graphql'`,
    )
  }
  const useExports = exports !== undefined && exports.urls > 0
  const liveFrom = useExports ? Math.max(minStep, exports.liveFromStep) : minStep
  const live = new LiveHistorySource(transport, run, { from: liveFrom, stop, pageSize, signal })
  const sources = useExports ? [...exports.sources, live] : [live]
  return {
    path: runPathOf(run),
    merger: new StepMerger(sources),
    source: useExports ? 'parquet' : 'graphql',
    parquetFiles: useExports ? exports.urls : 0,
    live,
    lastHistoryStep: last,
    liveFromStep: liveFrom < stop ? liveFrom : null,
  }
}

/** Builds the report and calls the callbacks. */
function finish(
  state: ScanState,
  selection: KeySelection,
  rows: number,
  options: ScanHistoryOptions,
): void {
  const counts = state.merger.counts
  const liveRows = counts.rowsBySource[counts.rowsBySource.length - 1]
  const parquetRows = counts.rowsBySource.reduce((a, b) => a + b, 0) - liveRows
  const missingKeys = selection.missingKeys()
  if (missingKeys.length > 0) options.onMissingKeys?.(missingKeys)
  options.onComplete?.({
    run: state.path,
    source: state.source,
    parquetFiles: state.parquetFiles,
    parquetRows,
    liveRows,
    livePages: state.live.pages,
    rows,
    mergedDuplicates: counts.mergedDuplicates,
    rowsWithoutStep: state.live.rowsWithoutStep,
    lastHistoryStep: state.lastHistoryStep,
    liveFromStep: state.liveFromStep,
    missingKeys,
  })
}
