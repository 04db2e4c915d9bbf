/**
 * Wakes a reader waiting for a file to grow: on a file-change notification (`fs.watch`, which
 * Deno, Bun and Node all have) or, at the latest, after the poll interval, so the latency stays
 * bounded where notifications are missing (network file systems) or lost.
 *
 * @module
 */
import { watch } from 'node:fs'

/** Wakes a waiting reader when the file changes (fs.watch where it works) or after a poll interval. */
export class FileWaker {
  readonly #path: string
  readonly #pollMs: number
  #watcher: { close(): void } | undefined
  #wake: (() => void) | undefined
  #changed = false

  /** Creates a waker for `path` that polls at least every `pollMs`. */
  constructor(path: string, pollMs: number) {
    this.#path = path
    this.#pollMs = pollMs
  }

  /** Starts watching; without notifications the waker only polls. */
  start(): void {
    try {
      const w = watch(this.#path, { persistent: false }, () => {
        this.#changed = true
        this.#wake?.()
      })
      w.on?.('error', () => this.close())
      this.#watcher = w
    } catch {
      // No notifications on this file system or runtime: polling alone bounds the latency.
    }
  }

  /** Waits until the file changes, `ms` pass (at most the poll interval), or the signal aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#changed) {
      this.#changed = false
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.#wake = undefined
        this.#changed = false
        resolve()
      }
      const onAbort = (): void => {
        clearTimeout(timer)
        this.#wake = undefined
        reject(signal!.reason)
      }
      const timer = setTimeout(done, Math.min(ms, this.#pollMs))
      this.#wake = done
      if (signal?.aborted) onAbort()
      else signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Stops watching. */
  close(): void {
    const w = this.#watcher
    this.#watcher = undefined
    try {
      w?.close()
    } catch {
      // already closed
    }
    this.#wake?.()
  }
}
