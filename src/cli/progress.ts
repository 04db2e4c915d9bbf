/**
 * The progress line on stderr: rows (of the total and a percentage with an ETA when the total is
 * known, or the bytes of a local run's log read of its size, with a percentage and an ETA),
 * rows/s and bytes, redrawn at most ten times a second.
 *
 * @module
 */
import type { Row } from '../row.ts'

/** Bytes of a local run's log read so far, of its size known before reading (no extra pass). */
export class ReadMeter {
  /** The log's size in bytes. */
  readonly total: number
  /** Bytes read so far. */
  bytes = 0
  #listener: (() => void) | undefined

  /** Creates a meter over `total` bytes. */
  constructor(total: number) {
    this.total = total
  }

  /** The reader's `onRead` callback: records the bytes read so far. */
  readonly update = (bytes: number): void => {
    this.bytes = bytes
    this.#listener?.()
  }

  /** Calls `listener` after each update (a later listener replaces it). */
  listen(listener: (() => void) | undefined): void {
    this.#listener = listener
  }
}

/** A meter over `logBytes`, or undefined when the size is not known up front (or is 0). */
export function readMeter(logBytes: number | undefined): ReadMeter | undefined {
  return logBytes !== undefined && Number.isFinite(logBytes) && logBytes > 0
    ? new ReadMeter(logBytes)
    : undefined
}

/** Options of a Progress line beyond its label and writer. */
export interface ProgressOptions {
  /** Rows expected in all, when known up front (a run's history line count). */
  total?: number
  /** The log being read and its size: percentage and ETA from bytes when no row total is known. */
  read?: ReadMeter
  /**
   * What is counted.
   * @default 'rows'
   */
  unit?: 'rows' | 'lines'
}

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
  /** The log being read, when its size is known up front. */
  readonly read: ReadMeter | undefined
  readonly #unit: string

  /** Creates a progress line; `write` undefined means silent; a number is the row total. */
  constructor(
    label: string,
    write: ((text: string) => void) | undefined,
    options: ProgressOptions | number = {},
  ) {
    const { total, read, unit = 'rows' } = typeof options === 'number'
      ? { total: options }
      : options
    this.#label = label
    this.#write = write
    this.total = total !== undefined && Number.isFinite(total) && total > 0 ? total : undefined
    this.read = read
    this.#unit = unit
    read?.listen(write ? () => this.#maybeDraw() : undefined)
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

  /** A pass-through stream of text bytes that counts its lines (newline bytes). */
  countLines(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.rows++
        this.#maybeDraw()
        controller.enqueue(chunk)
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
    this.read?.listen(undefined)
    if (this.#write && this.#lastDraw > 0) this.#write('\n')
  }

  /** Draws the final line and ends it with a newline. */
  finish(): void {
    this.read?.listen(undefined)
    if (!this.#write) return
    this.#write(`\r${this.line()}\x1b[K\n`)
  }

  /** The current progress text. */
  line(): string {
    const seconds = Math.max((performance.now() - this.#start) / 1000, 1e-3)
    const rate = Math.round(this.rows / seconds)
    const unit = this.#unit
    const rows = this.rows.toLocaleString('en-US')
    const rateText = `${rate.toLocaleString('en-US')} ${unit}/s`
    const tail = `${formatBytes(this.bytes)}, ${seconds.toFixed(1)} s`
    const read = this.read
    if (this.total === undefined && read !== undefined) {
      // Progress through the log: bytes read of its size (it may have grown since it was sized).
      const done = read.bytes >= read.total
      const left = read.bytes > 0 ? seconds * (read.total - read.bytes) / read.bytes : undefined
      return `${this.#label}: ${rows} ${unit}, ${
        formatBytes(Math.min(read.bytes, read.total))
      } of ${formatBytes(read.total)} read (${
        percent(read.bytes / read.total)
      }), ${rateText}, ${tail}${done ? '' : `, ETA ${formatDuration(left)}`}`
    }
    if (this.total === undefined) return `${this.#label}: ${rows} ${unit}, ${rateText}, ${tail}`
    const left = rate > 0 ? Math.max(this.total - this.rows, 0) / rate : undefined
    const eta = this.rows >= this.total ? '' : `, ETA ${formatDuration(left)}`
    return `${this.#label}: ${rows} of ${this.total.toLocaleString('en-US')} ${unit} (${
      percent(this.rows / this.total)
    }), ${rateText}, ${tail}${eta}`
  }

  #maybeDraw(): void {
    if (!this.#write) return
    const now = performance.now()
    if (now - this.#lastDraw < 100) return
    this.#lastDraw = now
    this.#write(`\r${this.line()}\x1b[K`)
  }
}

/** Formats a fraction (capped at 1) as `4.2%` below 10 %, else `42%`. */
function percent(fraction: number): string {
  const f = Math.min(fraction, 1)
  return `${(f * 100).toFixed(f < 0.1 ? 1 : 0)}%`
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
