/**
 * `scanHistory`: every logged history row of a remote run, in step order, as a stream of batches.
 *
 * Two strategies stand behind it. With Parquet exports, the server's signed export files are
 * read with HTTP range requests (one row group per read, only the requested columns) and merged
 * with the rows not yet exported, which come from GraphQL `history` pages. Without exports, the
 * whole step range is paged through GraphQL. Both yield the same rows, the rows as logged: only
 * the keys that have a value at that step (nulls dropped), `_step` an integer, nested values as
 * objects (the exports' flattened `a.b` columns are nested again), NaN and ±Infinity as numbers.
 *
 * @module
 */
import type { ParquetExports } from './parquet_exports.ts'
import type { DecodeThreads } from './group_decode_job.ts'
import type { Row } from '../../row.ts'
import { type HistoryBatch, HistorySlice } from './history_slice.ts'
import { linkedAbort } from '../../linked_abort.ts'
import type { HistoryRunRef, HistoryTransport } from './history_target.ts'
import {
  checkKeySelection,
  KeySelection,
  type KeySelectionOptions,
} from '../../history/key_selection.ts'
import { type HistoryScanReport, ScanPlan } from './scan_plan.ts'
import type { SignedFetchOptions } from './signed_fetch.ts'
import { checkTailBytes } from './export_tail.ts'
import type { ShortfallMode } from './history_shortfall.ts'

export type { HistoryScanReport } from './scan_plan.ts'

/** Where rows come from: Parquet exports plus live tail, GraphQL pages only, or exports when the server has them. */
export type HistorySource = 'auto' | 'parquet' | 'graphql'

/**
 * Options for {@linkcode scanHistory}; `keys`, `keysMode` and `onMissingKeys` are the ones
 * `LocalRun.scanHistory` takes too, under the same rule (src/history/key_selection.ts).
 */
export interface ScanHistoryOptions extends KeySelectionOptions {
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
  /**
   * Batches read ahead of the reader: while batch N is processed, N+1 is read, and no more. The
   * first batch ahead is fetched (its GraphQL page or export row group requested while batch N
   * is decoded), the others are also decoded; 0 reads nothing ahead. @default 1
   */
  prefetch?: number
  /** How signed export URLs are fetched (never with credentials): fetch, retries, timeouts. */
  exportFetch?: Omit<SignedFetchOptions, 'signal'>
  /**
   * Bytes of each Parquet export's end read by its first request (`Range: bytes=-N`, 8 to 64 MiB):
   * it brings the size and the footer, and a file no bigger arrives whole in that one request.
   * @default 1048576 (1 MiB)
   */
  exportTailBytes?: number
  /**
   * The run's last logged step when the caller already knows it (e.g. `historyKeys.lastStep`
   * from a runs listing): the scan then sends no `RunHistoryKeys` request and stops after it.
   * -1 means no history. @default asked from the server when the scan starts
   */
  lastHistoryStep?: number
  /**
   * What a shortfall does (fewer rows than the run's `historyLineCount` on a full scan, a row
   * without an integer `_step`, two different rows for one step; see `history_shortfall.ts`):
   * `'error'` errors the stream with a HistoryShortfallError naming run and step; `'report'`
   * keeps what came and reports each problem through `onProblem` and the `onComplete` report.
   * @default 'error'
   */
  onShortfall?: ShortfallMode
  /** With `onShortfall: 'report'`: called once per problem at the end of the scan. */
  onProblem?: (message: string) => void
  /** Called once when the scan has read everything, before the stream closes. */
  onComplete?: (report: HistoryScanReport) => void
}

/** {@linkcode ScanHistoryOptions} plus what wbx's own callers (the bulk export) may pass. */
export interface ScanInternalOptions extends ScanHistoryOptions {
  /** The answer of this run's `RunParquetHistory`, already asked for. @default asked at the start */
  parquetExports?: Promise<ParquetExports>
  /** Threads to decode export row groups on (a bulk export's workers). @default this thread */
  decodeThreads?: DecodeThreads
}

/** Checks options up front so misuse fails at the call, not mid-stream. */
function checkOptions(options: ScanHistoryOptions): void {
  const { pageSize, minStep, maxStep, source, prefetch, onShortfall } = options
  if (options.exportTailBytes !== undefined) checkTailBytes(options.exportTailBytes)
  if (onShortfall !== undefined && onShortfall !== 'error' && onShortfall !== 'report') {
    throw new TypeError(
      `Cannot scan history: onShortfall must be 'error' or 'report', got '${onShortfall}'`,
    )
  }
  checkKeySelection(options, 'scan history')
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
  integer('lastHistoryStep', options.lastHistoryStep, -1)
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
  return historyBatches(transport, run, options, false) as ReadableStream<Row[]>
}

/**
 * {@linkcode scanHistory} for wbx's own callers that write columns (the bulk export's Parquet
 * parts): a batch that needs no merging, and no key selection, comes as a {@linkcode HistorySlice}
 * of an export's decoded columns instead of row objects. The rows, their order and every check
 * are the same.
 */
export function scanHistorySlices(
  transport: HistoryTransport,
  run: HistoryRunRef,
  options: ScanInternalOptions = {},
): ReadableStream<HistoryBatch> {
  return historyBatches(transport, run, options, true)
}

/** The scan behind both: with `columns`, unmerged batches of a scan of every key come as slices. */
function historyBatches(
  transport: HistoryTransport,
  run: HistoryRunRef,
  options: ScanHistoryOptions,
  columns: boolean,
): ReadableStream<HistoryBatch> {
  checkOptions(options)
  const { controller, unlink } = linkedAbort(options.signal)
  const signal = controller.signal
  // No keys, or an empty list (as in the SDK), means every key.
  const keys = options.keys?.length ? options.keys : undefined
  const selection = new KeySelection(keys, options.keysMode)
  let plan: Promise<ScanPlan> | undefined
  let emitted = 0
  const planOptions = {
    keys,
    pageSize: options.pageSize ?? 1000,
    minStep: options.minStep ?? 0,
    maxStep: options.maxStep,
    source: options.source ?? 'auto',
    exportFetch: options.exportFetch,
    // The first batch ahead is a request in flight inside the sources; the rest wait decoded.
    readAhead: (options.prefetch ?? 1) > 0,
    onShortfall: options.onShortfall,
    exportTailBytes: options.exportTailBytes,
    lastHistoryStep: options.lastHistoryStep,
    parquetExports: (options as ScanInternalOptions).parquetExports,
    decodeThreads: (options as ScanInternalOptions).decodeThreads,
  }

  // Key selection picks keys out of row objects, so a scan of some keys reads rows.
  const slices = columns && keys === undefined
  return new ReadableStream<HistoryBatch>({
    /** Opens the scan on first use, then enqueues the next non-empty batch or closes. */
    async pull(stream) {
      try {
        signal.throwIfAborted()
        plan ??= ScanPlan.open(transport, run, planOptions, signal)
        const scan = await plan
        for (;;) {
          const batch = await scan.next(slices)
          signal.throwIfAborted()
          if (batch === null) {
            unlink()
            const missingKeys = selection.report(options.onMissingKeys)
            const report = scan.report(emitted, missingKeys)
            for (const problem of report.problems) options.onProblem?.(problem)
            options.onComplete?.(report)
            stream.close()
            return
          }
          const rows = batch instanceof HistorySlice ? batch : selection.select(batch)
          if (rows.length > 0) {
            emitted += rows.length
            stream.enqueue(rows)
            return
          }
        }
      } catch (err) {
        unlink()
        throw err
      }
    },
    /** Aborts whatever request is in flight. */
    cancel(reason) {
      unlink()
      controller.abort(reason)
    },
  }, { highWaterMark: Math.max(0, (options.prefetch ?? 1) - 1) })
}
