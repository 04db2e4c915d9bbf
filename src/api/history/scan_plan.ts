/**
 * The strategy behind one history scan: which step range, which sources (Parquet exports plus
 * the GraphQL live tail, or GraphQL pages only), and what `'auto'` does when the exports fail.
 *
 * @module
 */
import type { ParquetExports } from './parquet_exports.ts'
import type { HistoryBatch } from './history_slice.ts'
import type { Row } from '../../row.ts'
import { runNotFound } from './history_request.ts'
import { type HistoryRunRef, type HistoryTransport, runPathOf } from './history_target.ts'
import { findLastHistoryStep } from './last_history_step.ts'
import type { DecodeThreads } from './group_decode_job.ts'
import { type ExportSources, openExportSources } from './open_exports.ts'
import type { SignedFetchOptions } from './signed_fetch.ts'
import { StepMerger, type StepSource } from './step_merge.ts'
import { LiveHistorySource } from './step_sources.ts'
import { countShortfall, HistoryShortfallError, type ShortfallMode } from './history_shortfall.ts'

/** What a finished scan read; passed to `onComplete`. */
export interface HistoryScanReport {
  /** `entity/project/run_id`. */
  run: string
  /** The strategy chosen: `'parquet'` (exports plus live tail) or `'graphql'` (pages only). */
  source: 'parquet' | 'graphql'
  /** Export files opened. */
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
  /** First step read from GraphQL pages, or null when none was needed. */
  liveFromStep: number | null
  /**
   * Why `'auto'` switched to GraphQL pages although the server lists exports (they could not
   * be opened, or a read failed mid-scan and the rest came from GraphQL), else null.
   */
  exportFailure: string | null
  /** Requested keys that had no value in any row of the step range. */
  missingKeys: string[]
  /** Rows missing, malformed or in conflict (only with `onShortfall: 'report'`; else an error). */
  problems: string[]
}

/** What a plan needs from the scan options. */
export interface ScanPlanOptions {
  /** Keys whose export columns to read; all when undefined. */
  keys?: string[]
  /** Steps per GraphQL page. */
  pageSize: number
  /** First step (inclusive). */
  minStep: number
  /** Requested stop step (exclusive), clamped to `lastHistoryStep + 1`. */
  maxStep?: number
  /** The strategy asked for. */
  source: 'auto' | 'parquet' | 'graphql'
  /** How signed export URLs are fetched. */
  exportFetch?: Omit<SignedFetchOptions, 'signal'>
  /** Whether each source requests its next page or row group while one decodes. @default true */
  readAhead?: boolean
  /** Bytes of each export's end read first. @default 1048576 */
  exportTailBytes?: number
  /** The run's last step when already known (no `RunHistoryKeys` request then). @default asked */
  lastHistoryStep?: number
  /** Shortfalls, malformed and conflicting rows: throw, or report them. @default 'error' */
  onShortfall?: ShortfallMode
  /** The answer of `RunParquetHistory`, already asked for. @default asked when the exports open */
  parquetExports?: Promise<ParquetExports>
  /** Threads to decode export row groups on. @default this thread */
  decodeThreads?: DecodeThreads
}

/** One merged sequence of sources and the live source at its end. */
interface Part {
  merger: StepMerger
  live: LiveHistorySource
}

/** A scan's sources, opened; `next()` yields merged batches until null. */
export class ScanPlan {
  #transport: HistoryTransport
  #run: HistoryRunRef
  #options: ScanPlanOptions
  #signal: AbortSignal
  #parts: Part[] = []
  #source: 'parquet' | 'graphql' = 'graphql'
  #files = 0
  #lastHistoryStep = -1
  #stop = 0
  #liveFrom: number | null = null
  #exportFailure: string | null = null
  #rows = 0
  #problems: string[] = []

  private constructor(
    transport: HistoryTransport,
    run: HistoryRunRef,
    options: ScanPlanOptions,
    signal: AbortSignal,
  ) {
    this.#transport = transport
    this.#run = run
    this.#options = options
    this.#signal = signal
  }

  /** Resolves the step range, asks for the exports (unless `'graphql'`) and opens the sources. */
  static async open(
    transport: HistoryTransport,
    run: HistoryRunRef,
    options: ScanPlanOptions,
    signal: AbortSignal,
  ): Promise<ScanPlan> {
    const plan = new ScanPlan(transport, run, options, signal)
    await plan.#open()
    return plan
  }

  /** Finds the stop step, then opens the exports (or not) and the first merged part. */
  async #open(): Promise<void> {
    const { minStep, maxStep, source } = this.#options
    const last = this.#options.lastHistoryStep ??
      await findLastHistoryStep(this.#transport, this.#run, this.#signal)
    if (last === undefined) throw runNotFound(this.#run, 'scan the history')
    this.#lastHistoryStep = last
    this.#stop = maxStep === undefined || maxStep > last ? last + 1 : maxStep
    let exports: ExportSources | undefined
    if (source !== 'graphql' && this.#stop > minStep) {
      try {
        exports = await openExportSources(this.#transport, this.#run, {
          minStep,
          stop: this.#stop,
          keys: this.#options.keys,
          signal: this.#signal,
          fetch: this.#options.exportFetch,
          readAhead: this.#options.readAhead,
          tailBytes: this.#options.exportTailBytes,
          exports: this.#options.parquetExports,
          decodeThreads: this.#options.decodeThreads,
        })
      } catch (err) {
        // 'auto' reads everything through GraphQL instead (e.g. a server without parquetHistory).
        if (source === 'parquet' || this.#signal.aborted) throw err
        this.#exportFailure = err instanceof Error ? err.message : String(err)
      }
    }
    if (source === 'parquet' && exports?.urls === 0) {
      throw new Error(
        `Cannot scan the history of ${
          runPathOf(this.#run)
        } from Parquet exports: the server has no exports for this run yet; use source 'auto' or 'graphql'`,
      )
    }
    if (exports && exports.urls > 0) {
      this.#source = 'parquet'
      this.#files = exports.urls
      this.#addPart(Math.max(minStep, exports.liveFromStep), exports.sources)
    } else this.#addPart(minStep, [])
  }

  /** Starts a merged sequence: `sources`, then GraphQL pages from `from` to the stop step. */
  #addPart(from: number, sources: StepSource[]): void {
    const live = new LiveHistorySource(this.#transport, this.#run, {
      from,
      stop: this.#stop,
      pageSize: this.#options.pageSize,
      signal: this.#signal,
      readAhead: this.#options.readAhead,
      onShortfall: this.#options.onShortfall,
    })
    if (from < this.#stop) this.#liveFrom = Math.min(this.#liveFrom ?? Infinity, from)
    this.#parts.push({ merger: new StepMerger([...sources, live]), live })
  }

  /**
   * The next merged batch, or null at the end. Under `'auto'`, a failure while reading the
   * exports switches once to GraphQL pages from the step after the last one emitted, so no row
   * is repeated or lost. With `columns`, a batch that needs no merging comes as a slice of an
   * export's columns (`StepMerger.nextSlice`).
   */
  next(): Promise<Row[] | null>
  next(columns: boolean): Promise<HistoryBatch | null>
  async next(columns = false): Promise<HistoryBatch | null> {
    for (;;) {
      const part = this.#parts[this.#parts.length - 1]
      let batch: HistoryBatch | null
      try {
        batch = (columns ? await part.merger.nextSlice() : undefined) ?? await part.merger.next()
      } catch (err) {
        const switchable = this.#options.source === 'auto' && this.#source === 'parquet' &&
          this.#parts.length === 1 && !this.#signal.aborted &&
          !(err instanceof HistoryShortfallError)
        if (!switchable) throw err
        this.#exportFailure = err instanceof Error ? err.message : String(err)
        this.#addPart(Math.max(this.#options.minStep, part.merger.lastStep + 1), [])
        continue
      }
      if (batch !== null) {
        this.#rows += batch.length
        return batch
      }
      this.#checkCount()
      return null
    }
  }

  /** At the end: fewer rows than the run declares is a shortfall (see history_shortfall.ts). */
  #checkCount(): void {
    const message = countShortfall({
      runPath: runPathOf(this.#run),
      declared: this.#run.historyLineCount,
      state: this.#run.state,
      allKeys: this.#options.keys === undefined,
      minStep: this.#options.minStep,
      stop: this.#stop,
      lastHistoryStep: this.#lastHistoryStep,
      rows: this.#rows,
    })
    if (message === undefined) return
    if ((this.#options.onShortfall ?? 'error') === 'error') {
      throw new HistoryShortfallError(runPathOf(this.#run), message)
    }
    this.#problems.push(message)
  }

  /** The report of a finished scan. */
  report(rows: number, missingKeys: string[]): HistoryScanReport {
    let parquetRows = 0
    let liveRows = 0
    let livePages = 0
    let merged = 0
    let withoutStep = 0
    const problems: string[] = []
    for (const { merger, live } of this.#parts) {
      problems.push(...live.problems)
      const counts = merger.counts.rowsBySource
      liveRows += counts[counts.length - 1]
      parquetRows += counts.slice(0, -1).reduce((a, b) => a + b, 0)
      livePages += live.pages
      merged += merger.counts.mergedDuplicates
      withoutStep += live.rowsWithoutStep
    }
    return {
      run: runPathOf(this.#run),
      source: this.#source,
      parquetFiles: this.#files,
      parquetRows,
      liveRows,
      livePages,
      rows,
      mergedDuplicates: merged,
      rowsWithoutStep: withoutStep,
      lastHistoryStep: this.#lastHistoryStep,
      liveFromStep: this.#liveFrom,
      exportFailure: this.#exportFailure,
      missingKeys,
      problems: [...problems, ...this.#problems],
    }
  }
}
