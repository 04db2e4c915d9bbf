/**
 * The progress line on stderr: rows, rows/s and bytes, redrawn at most ten times a second.
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

  /** Creates a progress line; `write` undefined means silent. */
  constructor(label: string, write: ((text: string) => void) | undefined) {
    this.#label = label
    this.#write = write
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

  /** Draws the final line and ends it with a newline. */
  finish(): void {
    if (!this.#write) return
    this.#write(`\r${this.line()}\n`)
  }

  /** The current progress text. */
  line(): string {
    const seconds = Math.max((performance.now() - this.#start) / 1000, 1e-3)
    const rate = Math.round(this.rows / seconds)
    return `${this.#label}: ${this.rows.toLocaleString('en-US')} rows, ${
      rate.toLocaleString('en-US')
    } rows/s, ${formatBytes(this.bytes)}, ${seconds.toFixed(1)} s`
  }

  #maybeDraw(): void {
    if (!this.#write) return
    const now = performance.now()
    if (now - this.#lastDraw < 100) return
    this.#lastDraw = now
    this.#write(`\r${this.line()}\x1b[K`)
  }
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
