/**
 * Progress of a bulk export as counters: runs done of total, rows, bytes, the current request
 * rate, retries and an ETA. The export reports each change as an event; drawing it (the CLI's
 * progress line on stderr) is the caller's business, never the library's.
 *
 * @module
 */
import type { Governor } from './governor.ts'

/** A point-in-time view of the export's progress. */
export interface ProgressSnapshot {
  /** Runs finished (exported or unchanged). */
  runsDone: number
  /** Runs quarantined. */
  runsFailed: number
  /** Runs selected. */
  runsTotal: number
  /** History rows written. */
  rows: number
  /** Bytes written. */
  bytes: number
  /** Requests started in the last second. */
  requestRate: number
  /** Requests sent so far (every attempt). */
  requests: number
  /** Requests retried (429, 5xx, connection failures) plus runs retried. */
  retries: number
  /** The governor's current concurrency limit, or null without one. */
  concurrency: number | null
  /** Seconds since the export began. */
  elapsedSeconds: number
  /** Estimated seconds left, or null while unknown. */
  etaSeconds: number | null
}

/** What a bulk export reports as it goes. */
export interface BulkProgressEvent {
  /** `update` after rows, bytes or a run were counted; `finish` once at the end, also on failure. */
  readonly type: 'update' | 'finish'
  /** The counters now, with rate and ETA (computed on each call, so call it only to draw). */
  snapshot(): ProgressSnapshot
}

/** Options of {@linkcode BulkProgress}. */
export interface BulkProgressOptions {
  /** Called after each counted change and once at the end; undefined means nobody listens. */
  onProgress?: (event: BulkProgressEvent) => void
  /** The request governor, for rates and retries. */
  governor?: Governor
  /** Clock in ms. @default performance.now */
  now?: () => number
}

/** Counts an export's progress and reports each change to a listener. */
export class BulkProgress {
  /** Runs selected. */
  runsTotal = 0
  /** Rows expected to be written, when the plan knows (0: unknown). */
  plannedRows = 0
  /** Runs finished. */
  runsDone = 0
  /** Runs quarantined. */
  runsFailed = 0
  /** Rows written. */
  rows = 0
  /** Bytes written. */
  bytes = 0
  /** Runs retried. */
  runRetries = 0
  #options: BulkProgressOptions
  #now: () => number
  #start: number
  #update: BulkProgressEvent
  #finish: BulkProgressEvent

  /** Starts counting now. */
  constructor(options: BulkProgressOptions = {}) {
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
    this.#start = this.#now()
    const snapshot = () => this.snapshot()
    this.#update = { type: 'update', snapshot }
    this.#finish = { type: 'finish', snapshot }
  }

  /** Adds written rows. */
  addRows(n: number): void {
    this.rows += n
    this.#options.onProgress?.(this.#update)
  }

  /** Adds written bytes. */
  addBytes(n: number): void {
    this.bytes += n
    this.#options.onProgress?.(this.#update)
  }

  /** Counts a finished run. */
  runDone(): void {
    this.runsDone++
    this.#options.onProgress?.(this.#update)
  }

  /** Counts a quarantined run. */
  runFailed(): void {
    this.runsFailed++
    this.#options.onProgress?.(this.#update)
  }

  /** Reports the end of the export (it finished, failed or was cancelled). */
  finish(): void {
    this.#options.onProgress?.(this.#finish)
  }

  /** The counters now, with rate and ETA. */
  snapshot(): ProgressSnapshot {
    const elapsed = Math.max(1e-3, (this.#now() - this.#start) / 1000)
    const g = this.#options.governor
    const httpRetries = g ? g.stats.throttled + g.stats.serverErrors + g.stats.networkErrors : 0
    const finished = this.runsDone + this.runsFailed
    let eta: number | null = null
    if (this.plannedRows > 0 && this.rows > 0) {
      eta = Math.max(0, this.plannedRows - this.rows) / (this.rows / elapsed)
    } else if (finished > 0 && this.runsTotal > 0) {
      eta = (this.runsTotal - finished) * (elapsed / finished)
    }
    return {
      runsDone: this.runsDone,
      runsFailed: this.runsFailed,
      runsTotal: this.runsTotal,
      rows: this.rows,
      bytes: this.bytes,
      requestRate: g ? g.rate() : 0,
      requests: g ? g.stats.requests : 0,
      retries: httpRetries + this.runRetries,
      concurrency: g ? g.limit : null,
      elapsedSeconds: elapsed,
      etaSeconds: eta,
    }
  }
}
