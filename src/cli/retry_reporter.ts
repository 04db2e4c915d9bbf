/**
 * Announces request retries: one stderr line per retry on a terminal (what failed, which attempt,
 * how long the wait), else a one-line summary when the command ends.
 *
 * @module
 */
import type { RetryEvent } from '../http/retrying_fetch.ts'

/** Collects retry events for one command and reports them on stderr. */
export class RetryReporter {
  #write: (text: string) => void
  #live: boolean
  #count = 0
  #waitedMs = 0
  #reasons = new Map<string, number>()

  /** Creates a reporter; `live` prints every retry as it happens (stderr is a terminal). */
  constructor(write: (text: string) => void, live: boolean) {
    this.#write = write
    this.#live = live
  }

  /** The callback handed to `new Api({ onRetry })`. */
  readonly onRetry = (event: RetryEvent): void => {
    this.#count++
    this.#waitedMs += event.delayMs
    const reason = shortReason(event)
    this.#reasons.set(reason, (this.#reasons.get(reason) ?? 0) + 1)
    if (!this.#live) return
    this.#write(
      `\r\x1b[Kwbx: ${reason} from ${event.url}; retry ${event.attempt} of ${
        event.maxAttempts - 1
      } in ${seconds(event.delayMs)}\n`,
    )
  }

  /** Retries seen so far. */
  get count(): number {
    return this.#count
  }

  /** The summary line (undefined when nothing was retried or lines were printed live). */
  summary(): string | undefined {
    if (this.#live || this.#count === 0) return undefined
    const reasons = [...this.#reasons].map(([reason, n]) => `${n} × ${reason}`).join(', ')
    return `wbx: ${this.#count} request ${this.#count === 1 ? 'retry' : 'retries'} (${reasons}), ${
      seconds(this.#waitedMs)
    } waited in all\n`
  }
}

/** `HTTP 503`, `connection failed` or `timeout`: the kind of failure without its details. */
function shortReason(event: RetryEvent): string {
  if (event.status > 0) return `HTTP ${event.status}`
  if (/no complete response|timed out|no data/.test(event.detail)) return 'timeout'
  if (/cut off/.test(event.detail)) return 'truncated body'
  return 'connection failed'
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
