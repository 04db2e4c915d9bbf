/**
 * Progress of a bulk export on stderr: runs done of total, rows, bytes, the current request rate,
 * retries and an ETA. On a terminal one line is redrawn at most ten times a second; elsewhere
 * (when asked) a full line is printed every few seconds.
 *
 * @module
 */
import { formatBytes } from '../cli/progress.ts'
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

/** Options of {@linkcode BulkProgress}. */
export interface BulkProgressOptions {
  /** Where lines go; undefined means silent. */
  write?: (text: string) => void
  /** Redraw one line in place (a terminal) rather than print lines. @default false */
  tty?: boolean
  /** Time between printed lines when not a terminal, in ms. @default 5000 */
  intervalMs?: number
  /** The request governor, for rates and retries. */
  governor?: Governor
  /** Clock in ms. @default performance.now */
  now?: () => number
}

/** Counts an export's progress and draws it. */
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
  #lastDraw = -Infinity

  /** Starts counting now. */
  constructor(options: BulkProgressOptions = {}) {
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
    this.#start = this.#now()
  }

  /** Adds written rows. */
  addRows(n: number): void {
    this.rows += n
    this.#maybeDraw()
  }

  /** Adds written bytes. */
  addBytes(n: number): void {
    this.bytes += n
    this.#maybeDraw()
  }

  /** Counts a finished run. */
  runDone(): void {
    this.runsDone++
    this.#maybeDraw()
  }

  /** Counts a quarantined run. */
  runFailed(): void {
    this.runsFailed++
    this.#maybeDraw()
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

  /** The progress as one line of text. */
  line(): string {
    const s = this.snapshot()
    const parts = [
      `runs ${s.runsDone}/${s.runsTotal}${s.runsFailed ? ` (${s.runsFailed} failed)` : ''}`,
      `${s.rows.toLocaleString('en-US')} rows`,
      formatBytes(s.bytes),
    ]
    if (this.#options.governor) {
      parts.push(`${s.requestRate} req/s`, `concurrency ${s.concurrency}`, `${s.retries} retries`)
    }
    parts.push(`${s.elapsedSeconds.toFixed(1)} s`)
    if (s.etaSeconds !== null && s.runsDone + s.runsFailed < s.runsTotal) {
      parts.push(`ETA ${formatDuration(s.etaSeconds)}`)
    }
    return `export: ${parts.join(', ')}`
  }

  /** Prints a message line (what a server asked for, ...) above the progress line. */
  note(text: string): void {
    const write = this.#options.write
    if (!write) return
    write(this.#options.tty ? `\r\x1b[K${text}\n` : `${text}\n`)
    this.#lastDraw = -Infinity
  }

  /** Draws the final line. */
  finish(): void {
    const write = this.#options.write
    if (!write) return
    write(this.#options.tty ? `\r${this.line()}\x1b[K\n` : `${this.line()}\n`)
  }

  /** Redraws when enough time has passed. */
  #maybeDraw(): void {
    const write = this.#options.write
    if (!write) return
    const now = this.#now()
    const every = this.#options.tty ? 100 : this.#options.intervalMs ?? 5000
    if (now - this.#lastDraw < every) return
    this.#lastDraw = now
    write(this.#options.tty ? `\r${this.line()}\x1b[K` : `${this.line()}\n`)
  }
}

/** Formats seconds as `1h 02m`, `3m 04s` or `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
  }
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  return `${s}s`
}
