/**
 * The `wbx export` progress on stderr, drawn from the bulk export's progress events: runs done
 * of total, rows, bytes, the current request rate, retries and an ETA. On a terminal one line is
 * redrawn at most ten times a second; elsewhere (when asked) a full line is printed every few
 * seconds.
 *
 * @module
 */
import type { BulkProgressEvent, ProgressSnapshot } from '../bulk/bulk_progress.ts'
import { formatBytes } from './progress.ts'

/** Options of {@linkcode BulkProgressLine}. */
export interface BulkProgressLineOptions {
  /** Where the text goes (stderr). */
  write: (text: string) => void
  /** Redraw one line in place (a terminal) rather than print lines. */
  tty: boolean
  /** Time between printed lines when not a terminal, in ms. @default 5000 */
  intervalMs?: number
  /** Clock in ms. @default performance.now */
  now?: () => number
}

/** Draws a bulk export's progress events as a line on stderr, with notes above it. */
export class BulkProgressLine {
  #options: BulkProgressLineOptions
  #now: () => number
  #lastDraw = -Infinity

  /** Creates a line that draws nothing until the first event. */
  constructor(options: BulkProgressLineOptions) {
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
  }

  /** The export's `onProgress`: redraws when enough time has passed, and draws the final line. */
  readonly onProgress = (event: BulkProgressEvent): void => {
    const { write, tty } = this.#options
    if (event.type === 'finish') {
      const line = bulkProgressText(event.snapshot())
      write(tty ? `\r${line}\x1b[K\n` : `${line}\n`)
      return
    }
    const now = this.#now()
    const every = tty ? 100 : this.#options.intervalMs ?? 5000
    if (now - this.#lastDraw < every) return
    this.#lastDraw = now
    const line = bulkProgressText(event.snapshot())
    write(tty ? `\r${line}\x1b[K` : `${line}\n`)
  }

  /** The export's `onNote`: prints a message line (what a server asked for, ...) above the line. */
  readonly note = (text: string): void => {
    this.#options.write(this.#options.tty ? `\r\x1b[K${text}\n` : `${text}\n`)
    this.#lastDraw = -Infinity
  }
}

/** The progress as one line of text; request figures only when a governor counts them. */
export function bulkProgressText(s: ProgressSnapshot): string {
  const parts = [
    `runs ${s.runsDone}/${s.runsTotal}${s.runsFailed ? ` (${s.runsFailed} failed)` : ''}`,
    `${s.rows.toLocaleString('en-US')} rows`,
    formatBytes(s.bytes),
  ]
  if (s.concurrency !== null) {
    parts.push(`${s.requestRate} req/s`, `concurrency ${s.concurrency}`, `${s.retries} retries`)
  }
  parts.push(`${s.elapsedSeconds.toFixed(1)} s`)
  if (s.etaSeconds !== null && s.runsDone + s.runsFailed < s.runsTotal) {
    parts.push(`ETA ${formatEta(s.etaSeconds)}`)
  }
  return `export: ${parts.join(', ')}`
}

/** Formats seconds as `1h 02m`, `3m 04s` or `12s`. */
export function formatEta(seconds: number): string {
  const s = Math.round(seconds)
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
  }
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  return `${s}s`
}
