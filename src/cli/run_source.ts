/**
 * What a run command reads, whether the run is a local folder or on a W&B server.
 *
 * @module
 */
import type { ColumnSchema } from '../export/history_types.ts'
import type { Row } from '../row.ts'
import type { DownloadStatus } from './download_progress.ts'

/** What a followed read needs: the idle timeout, and where to say how the run ended. */
export interface FollowSelection {
  /** Stop with a FollowIdleError after this many ms without new data. */
  idleTimeoutMs?: number
  /** Called with one line for stderr when the run ended by itself. */
  onEnd: (message: string) => void
}

/** History selection shared by both kinds of run. */
export interface HistorySelection {
  keys?: string[]
  keysMode?: 'any' | 'all'
  minStep?: number
  maxStep?: number
  /** Remote runs: `auto` (Parquet exports, else GraphQL), `parquet` or `graphql`. */
  source?: 'auto' | 'parquet' | 'graphql'
  /** Remote runs: rows missing or in conflict are an error (default) or a warning. */
  onShortfall?: 'error' | 'report'
  signal: AbortSignal
  /** Keep reading while the run is live. */
  follow?: FollowSelection
  /** Local runs: called with the bytes of the log read so far (of `logBytes`). */
  onRead?: (bytesRead: number) => void
  /**
   * Called once at the end of a complete read with the requested keys that had no value in the
   * selected steps (the library's report, one rule for both sources).
   */
  onMissingKeys?: (keys: string[]) => void
}

/** Console-log selection. */
export interface LogSelection {
  stream?: 'stdout' | 'stderr'
  ansi: boolean
  errorPrefix: boolean
  signal: AbortSignal
  /** Keep reading while the run is live. */
  follow?: FollowSelection
  /** Local runs: called with the bytes of the log read so far (of `logBytes`). */
  onRead?: (bytesRead: number) => void
}

/** A run the CLI can read. */
export interface RunSource {
  /** The run id, for default output file names (`-o out/` → `out/<id>-history.parquet`). */
  readonly id?: string
  /** History rows expected without a selection (for a progress total), when known up front. */
  readonly historyRows?: number
  /**
   * Bytes a whole read of the run goes through, when known up front (a local run's `.wandb`
   * files); history, system and logs reads report their bytes read through `onRead`.
   */
  readonly logBytes?: number
  /** Every history row, unsampled. */
  history(selection: HistorySelection): ReadableStream<Row[]>
  /**
   * The history's columns and types before its first row (historyKeys, or a local run's full
   * pass); with `pass: false`, only when that costs no extra read of a local run.
   */
  historySchema(signal: AbortSignal, pass?: boolean): Promise<ColumnSchema | undefined>
  /** System-metric rows (full resolution locally, server-sampled remotely). */
  systemMetrics(
    signal: AbortSignal,
    follow?: FollowSelection,
    onRead?: (bytesRead: number) => void,
  ): Promise<ReadableStream<Row[]>>
  summary(signal: AbortSignal): Promise<Row>
  config(raw: boolean, signal: AbortSignal): Promise<Row>
  info(signal: AbortSignal): Promise<Row>
  /** Console output as text bytes. */
  logs(selection: LogSelection): Promise<ReadableStream<Uint8Array>>
  /** One row per file. */
  files(options: { md5: boolean; signal: AbortSignal }): Promise<Row[]>
  /** Downloads every file into a folder; resolves to the paths written or skipped. */
  downloadFiles(
    dir: string,
    options: { replace: boolean; signal: AbortSignal; progress?: (status: DownloadStatus) => void },
  ): Promise<Row[]>
  /** One row per artifact, or per manifest entry with `entries`. */
  artifacts(options: {
    direction?: 'logged' | 'used'
    entries: boolean
    signal: AbortSignal
  }): Promise<Row[]>
  /** Warnings to print after the command's data (damage reports, sampling notes). */
  warnings(): string[]
}
