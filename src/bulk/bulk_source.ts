/**
 * What a bulk export reads, whether the runs live on a W&B server or in a local `wandb/` folder:
 * a listing of cheap handles, and for each run its metadata and readers for every part.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { ManifestSource } from './manifest.ts'
import type { RunQuery } from './run_query.ts'

import type { HistoryKeyTypes } from '../export/history_types.ts'

/** A history key's value types, as W&B's `historyKeys` reports them. */
export type { HistoryKeyTypes }

/** History reading options. */
export interface BulkHistoryOptions {
  /** First step (inclusive). */
  minStep: number
  /** Step to stop before (exclusive). */
  maxStep: number
  /** Only rows with any of these keys (each with `_step`); every key when undefined. */
  keys?: string[]
  /** Cancels the read. */
  signal: AbortSignal
}

/** A file of a run. */
export interface BulkFile {
  /** Path inside the run, with `/` separators. */
  name: string
  /** Size in bytes. */
  sizeBytes: number
  /** W&B's base64 md5, when the source reports it. */
  md5: string | null
  /** Opens the content. */
  open(signal: AbortSignal): Promise<ReadableStream<Uint8Array>>
}

/** One run, opened: metadata plus readers. */
export interface BulkRun {
  /** Run id. */
  readonly id: string
  /** Display name. */
  readonly name: string | null
  /** Run state. */
  readonly state: string
  /** Tags. */
  readonly tags: string[]
  /** Group. */
  readonly group: string | null
  /** Job type. */
  readonly jobType: string | null
  /** Creation time. */
  readonly createdAt: string | null
  /** Last update (heartbeat). */
  readonly updatedAt: string | null
  /** History line count. */
  readonly historyLineCount: number
  /** Last history step (-1: none). */
  readonly lastHistoryStep: number
  /** History keys with their value types. */
  readonly historyKeys: HistoryKeyTypes
  /** User config. */
  readonly config: Row
  /** Summary. */
  readonly summary: Row
  /** Whether system metrics come sampled (the W&B API serves no other way). */
  readonly systemSampled: boolean
  /** Every history row with a step in `[minStep, maxStep)`, in step order. */
  history(options: BulkHistoryOptions): ReadableStream<Row[]>
  /**
   * Sends the request the next `history()` call starts with, now (a remote run's
   * `RunParquetHistory`), so that call finds the answer waiting. @default absent: nothing to send
   */
  prefetchHistory?(signal: AbortSignal): void
  /** System-metric rows. */
  systemMetrics(signal: AbortSignal): Promise<ReadableStream<Row[]>>
  /** The console output as text, or null when the run has none. */
  consoleLog(signal: AbortSignal): Promise<ReadableStream<Uint8Array> | null>
  /** The run's files, optionally only those matching a SQL LIKE pattern. */
  files(pattern: string | undefined, signal: AbortSignal): Promise<BulkFile[]>
  /** One row per logged or used artifact. */
  artifacts(signal: AbortSignal): Promise<Row[]>
}

/** A listed run, not yet opened. */
export interface BulkRunHandle {
  /** Run id. */
  readonly id: string
  /** Creation time, when the listing knows it. */
  readonly createdAt: string | null
  /** Last update time, when the listing knows it (undefined: only after opening). */
  readonly updatedAt: string | null | undefined
  /** Opens the run (free for remote runs, a metadata pass over the log for local ones). */
  open(signal: AbortSignal): Promise<BulkRun>
}

/** Where a bulk export reads runs from. */
export interface BulkSource {
  /** How the manifest names the source. */
  readonly description: ManifestSource
  /** Whether reading costs requests to a server. */
  readonly remote: boolean
  /** The runs matching a query, in listing order, each id once. */
  list(query: RunQuery, signal: AbortSignal): Promise<BulkRunHandle[]>
  /**
   * The same runs a listing page at a time, as they arrive, so an export can start before the
   * last page (a source whose listing costs requests); `onTotal` is told how many runs the
   * server says its filters match. @default none: `list` only
   */
  pages?(
    query: RunQuery,
    signal: AbortSignal,
    onTotal?: (total: number) => void,
  ): AsyncIterable<BulkRunHandle[]>
}

/** Turns a SQL LIKE pattern (`%` any run, `_` one character, as W&B's file pattern) into a RegExp. */
export function likePattern(pattern: string): RegExp {
  let source = ''
  for (const ch of pattern) {
    if (ch === '%') source += '.*'
    else if (ch === '_') source += '.'
    else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}
