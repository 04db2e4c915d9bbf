/**
 * A bandwidth cap shared by every reply of an origin: bytes leave in order at no more than
 * `bytesPerSecond` in total, like one congested storage link. Each chunk reserves its slot on
 * the link and waits until that slot has passed.
 *
 * @module
 */

/** Options for {@linkcode BandwidthCap}. */
export interface BandwidthOptions {
  /** Bytes per second for all replies together. */
  bytesPerSecond: number
  /** Clock in epoch ms; @default Date.now */
  now?: () => number
}

/** A shared link: reservations queue behind each other at a fixed byte rate. */
export class BandwidthCap {
  readonly bytesPerSecond: number
  /** Bytes reserved so far. */
  bytes = 0
  #now: () => number
  #busyUntil = -Infinity

  /** Creates an idle link. */
  constructor(options: BandwidthOptions) {
    if (!(options.bytesPerSecond > 0) || !Number.isFinite(options.bytesPerSecond)) {
      throw new RangeError(
        `Cannot cap bandwidth at ${options.bytesPerSecond} bytes/s: use a positive number`,
      )
    }
    this.bytesPerSecond = options.bytesPerSecond
    this.#now = options.now ?? Date.now
  }

  /** Reserves `bytes` on the link; returns the ms to wait before they may be sent. */
  reserve(bytes: number): number {
    const now = this.#now()
    const start = Math.max(now, this.#busyUntil)
    this.#busyUntil = start + (bytes * 1000) / this.bytesPerSecond
    this.bytes += bytes
    return this.#busyUntil - now
  }
}

/** Parses a bandwidth like `10MB`, `500KiB`, `2.5mb` or `1000000` (bytes per second; also a size). */
export function parseBandwidth(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(i?)b?\s*(?:\/s)?\s*$/i.exec(text)
  if (!m) {
    throw new RangeError(
      `Cannot read bandwidth ${JSON.stringify(text)}: use bytes per second like 10MB or 500KiB`,
    )
  }
  const base = m[3] ? 1024 : 1000
  const power = { '': 0, k: 1, m: 2, g: 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g']
  const value = Number(m[1]) * base ** power
  if (!(value > 0)) throw new RangeError(`Cannot cap bandwidth at ${JSON.stringify(text)}: use > 0`)
  return value
}
