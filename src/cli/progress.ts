/**
 * The progress line on stderr: rows (of the total and a percentage with an ETA when the total is
 * known), rows/s and bytes, redrawn at most ten times a second.
 *
 * @module
 */
import type { Row } from '../row.ts'

/** Counts rows and bytes and draws a `\r`-rewritten line when enabled. */
export class Progress {
  #label: string
  #write: ((text: string) => void) | undefined
  #start = performance.now()
  #lastDraw = 0
  /** Rows seen so far. */
  rows = 0
  /** Output bytes seen so far. */
  bytes = 0
  /** Rows expected in all, when known up front (a run's history line count). */
  total: number | undefined

  /** Creates a progress line; `write` undefined means silent. */
  constructor(label: string, write: ((text: string) => void) | undefined, total?: number) {
    this.#label = label
    this.#write = write
    this.total = total !== undefined && Number.isFinite(total) && total > 0 ? total : undefined
  }

  /** A pass-through stream that counts rows (batches or single rows) and emits batches. */
  countRows(): TransformStream<Row | Row[], Row[]> {
    return new TransformStream<Row | Row[], Row[]>({
      transform: (chunk, controller) => {
        const batch = Array.isArray(chunk) ? chunk : [chunk]
        this.rows += batch.length
        this.#maybeDraw()
        controller.enqueue(batch)
      },
    })
  }

  /** A pass-through stream that counts output bytes. */
  countBytes(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        this.bytes += chunk.byteLength
        this.#maybeDraw()
        controller.enqueue(chunk)
      },
    })
  }

  /** Ends a drawn line with a newline when the work failed, so later messages start on their own line. */
  abandon(): void {
    if (this.#write && this.#lastDraw > 0) this.#write('\n')
  }

  /** Draws the final line and ends it with a newline. */
  finish(): void {
    if (!this.#write) return
    this.#write(`\r${this.line()}\n`)
  }

  /** The current progress text. */
  line(): string {
    const seconds = Math.max((performance.now() - this.#start) / 1000, 1e-3)
    const rate = Math.round(this.rows / seconds)
    const rows = this.rows.toLocaleString('en-US')
    const rateText = `${rate.toLocaleString('en-US')} rows/s`
    const tail = `${formatBytes(this.bytes)}, ${seconds.toFixed(1)} s`
    if (this.total === undefined) return `${this.#label}: ${rows} rows, ${rateText}, ${tail}`
    const fraction = Math.min(this.rows / this.total, 1)
    const left = rate > 0 ? Math.max(this.total - this.rows, 0) / rate : undefined
    const eta = this.rows >= this.total ? '' : `, ETA ${formatDuration(left)}`
    return `${this.#label}: ${rows} of ${this.total.toLocaleString('en-US')} rows (${
      (fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)
    }%), ${rateText}, ${tail}${eta}`
  }

  #maybeDraw(): void {
    if (!this.#write) return
    const now = performance.now()
    if (now - this.#lastDraw < 100) return
    this.#lastDraw = now
    this.#write(`\r${this.line()}\x1b[K`)
  }
}

/** Formats seconds as `42 s`, `3 min 5 s` or `2 h 10 min`; `?` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/** Formats a byte count as B, KB, MB or GB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}
