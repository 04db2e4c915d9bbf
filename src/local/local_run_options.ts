/**
 * Options of `LocalRun.open`, `LocalRun.history()` and `LocalRun.consoleLines()`.
 *
 * @module
 */
import type { ConsoleOptions } from './console_output.ts'
import type { ScanHistoryOptions } from './history_scan.ts'

/** Options of `LocalRun.open`. */
export interface LocalRunOptions {
  /** With a `wandb/` folder as source: the run id to open, reading all its folders (resumed segments). */
  id?: string
  /**
   * A run without an exit record counts as `running` when its file was written within this many
   * seconds and its newest record timestamp is within them too, else `crashed` (the rule is in
   * docs/local-runs.md).
   * @default 300
   */
  runningWithinSeconds?: number
  /**
   * Include history-derived values (each key's last logged value) in `summary`, as W&B does;
   * false gives only what summary records say.
   * @default true
   */
  summaryFromHistory?: boolean
  /**
   * Throw at the first damaged byte range instead of skipping it and reporting it in `damage`.
   * @default false
   */
  strict?: boolean
  /**
   * When the metadata records (run, config, summary, history keys, exit, …) are read.
   * `'lazy'` reads only each file's 7-byte header here, so `open` then `scanHistory()` reads
   * each file once, at the scan's speed; the metadata pass runs on `load()` (asynchronously), on
   * `history()` without keys, or on the first attribute read (synchronously). `'scan'` is the
   * same, except that the first `scanHistory()` or `scanSystemMetrics()` that reads every file
   * to its end runs the pass along (decoding the metadata records too, so the scan costs about
   * as much CPU as the pass), after which the attributes cost nothing. `'full'` runs the pass
   * while opening, as before, so that damage, `strict` errors and every attribute are known when
   * `open` resolves (`strict: true` implies it, and pre-0.10 folders always open that way).
   * `'minimal'` skips history, stats and summary records in that pass, for callers that only
   * stream rows, system metrics or console lines; a minimal run still reports all damage and
   * honours `strict`, but its history-derived attributes (`summary`, `historyKeys`,
   * `historyLineCount`, `runtime`, …) throw a TypeError.
   * @default 'lazy'
   */
  metadata?: 'lazy' | 'scan' | 'full' | 'minimal'
  /** Aborts opening. */
  signal?: AbortSignal
}

/** Options of `LocalRun.history()`. */
export interface HistoryOptions extends Pick<ScanHistoryOptions, 'keys' | 'keysMode' | 'signal'> {
  /**
   * Rows to return, evenly spaced over the run (first and last included).
   * @default 500
   */
  samples?: number
  /** `'default'` for history rows, `'system'` for system-metric rows. @default 'default' */
  stream?: 'default' | 'system'
}

/** Options of `LocalRun.consoleLines()`. */
export interface ConsoleLinesOptions extends Omit<ConsoleOptions, 'streams'> {
  /** Only lines of this stream. @default all streams */
  stream?: 'stdout' | 'stderr' | 'logger'
  /** Lines per stream chunk. @default 1000 */
  batchSize?: number
  /** Aborts reading. */
  signal?: AbortSignal
  /** Called with the bytes of the run's `.wandb` files read so far (as `ScanHistoryOptions.onRead`). */
  onRead?: (bytesRead: number) => void
}
