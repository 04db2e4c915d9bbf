/**
 * The progress line of `wbx files --download`: files and bytes of the totals listed beforehand,
 * a percentage by bytes and an ETA, redrawn at most ten times a second.
 *
 * @module
 */
import { formatBytes, formatDuration } from './progress.ts'

/** Where a download run stands. */
export interface DownloadStatus {
  /** Files finished (downloaded or skipped as identical). */
  files: number
  /** Files listed. */
  totalFiles: number
  /** Bytes of the finished files. */
  bytes: number
  /** Bytes of every listed file. */
  totalBytes: number
}

/** Draws a `\r`-rewritten download line when `write` is given. */
export class DownloadProgress {
  #write: ((text: string) => void) | undefined
  #start = performance.now()
  #lastDraw = 0
  #status: DownloadStatus = { files: 0, totalFiles: 0, bytes: 0, totalBytes: 0 }

  /** Creates the line; `write` undefined means silent. */
  constructor(write: ((text: string) => void) | undefined) {
    this.#write = write
  }

  /** Records the new status and redraws when a tenth of a second has passed. */
  readonly update = (status: DownloadStatus): void => {
    this.#status = status
    if (!this.#write) return
    const now = performance.now()
    if (now - this.#lastDraw < 100) return
    this.#lastDraw = now
    this.#write(`\r${this.line()}\x1b[K`)
  }

  /** Draws the final line and ends it (also after a failure, so messages start on their own line). */
  finish(): void {
    if (this.#write && (this.#lastDraw > 0 || this.#status.files > 0)) {
      this.#write(`\r${this.line()}\x1b[K\n`)
    }
  }

  /** The current text, e.g. `files: 3 of 10, 12.0 MB of 80.0 MB (15%), 4.0 MB/s, ETA 17 s`. */
  line(): string {
    const { files, totalFiles, bytes, totalBytes } = this.#status
    const seconds = Math.max((performance.now() - this.#start) / 1000, 1e-3)
    const rate = bytes / seconds
    const fraction = totalBytes > 0 ? Math.min(bytes / totalBytes, 1) : files / (totalFiles || 1)
    const eta = files >= totalFiles || rate <= 0
      ? ''
      : `, ETA ${formatDuration((totalBytes - bytes) / rate)}`
    return `files: ${files} of ${totalFiles}, ${formatBytes(bytes)} of ${
      formatBytes(totalBytes)
    } (${Math.round(fraction * 100)}%), ${formatBytes(Math.round(rate))}/s${eta}`
  }
}
