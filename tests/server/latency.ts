/**
 * Seeded response latency: a lognormal distribution around a configured median (the shape of
 * real round trips: most near the median, a long slow tail), one generator per origin so the
 * API and storage origins can differ.
 *
 * @module
 */
import { seededRandom } from './faults.ts'

/** Options for {@linkcode LatencyModel}. */
export interface LatencyOptions {
  /** Median delay in ms (0 disables the delay). */
  medianMs: number
  /** Spread: the standard deviation of the delay's natural log; @default 0.5 */
  sigma?: number
  /** Seed of the generator; @default 1 */
  seed?: number
}

/** Draws delays from a seeded lognormal distribution. */
export class LatencyModel {
  readonly medianMs: number
  readonly sigma: number
  #random: () => number
  #spare: number | undefined

  /** Creates a generator; the same seed always gives the same delays. */
  constructor(options: LatencyOptions) {
    if (!(options.medianMs >= 0) || !Number.isFinite(options.medianMs)) {
      throw new RangeError(`Cannot use a median latency of ${options.medianMs} ms: use 0 or more`)
    }
    const sigma = options.sigma ?? 0.5
    if (!(sigma >= 0) || !Number.isFinite(sigma)) {
      throw new RangeError(`Cannot use a latency sigma of ${sigma}: use 0 or more`)
    }
    this.medianMs = options.medianMs
    this.sigma = sigma
    this.#random = seededRandom(options.seed ?? 1)
  }

  /** The next delay in ms. */
  next(): number {
    if (this.medianMs === 0) return 0
    return this.medianMs * Math.exp(this.sigma * this.#normal())
  }

  /** A standard normal value (Box–Muller, both halves used). */
  #normal(): number {
    if (this.#spare !== undefined) {
      const z = this.#spare
      this.#spare = undefined
      return z
    }
    const u = 1 - this.#random() // (0, 1]: log stays finite
    const v = this.#random()
    const r = Math.sqrt(-2 * Math.log(u))
    this.#spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
}
