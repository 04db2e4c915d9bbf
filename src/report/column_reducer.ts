/**
 * Streaming per-pixel-column reduction of one line (x, y): every bucket of x keeps its first,
 * lowest, highest and last point, so no extreme is ever dropped, in memory bounded by the
 * bucket count whatever the run length. Non-finite values (NaN, ±Infinity) break the line and
 * are kept as explicit marks.
 *
 * @module
 */

/** The kinds of non-finite value a mark records. */
export type NonFiniteKind = 'NaN' | 'Infinity' | '-Infinity'

/** A non-finite value at an x position (one per kind per bucket). */
export interface NonFiniteMark {
  /** Where the value was logged. */
  x: number
  /** Which non-finite value. */
  kind: NonFiniteKind
}

/** The finished reduction of one line. */
export interface ReducedSeries {
  /** x of each drawn point, ascending. */
  x: number[]
  /** y of each drawn point; null where the line breaks at a non-finite value. */
  y: (number | null)[]
  /** Where the non-finite values were (the first of each kind in each bucket). */
  marks: NonFiniteMark[]
  /** Finite points read. */
  count: number
  /** Non-finite values read, by kind. */
  nonFinite: Record<NonFiniteKind, number>
  /** Lowest finite value and its x, or null when there is none. */
  min: { x: number; y: number } | null
  /** Highest finite value and its x, or null when there is none. */
  max: { x: number; y: number } | null
  /** The last value read (NaN and ±Infinity included), or null. */
  last: number | null
  /** Whether the points were bucketed (false: every point is drawn as read). */
  reduced: boolean
  /** Bucket k holds x in [origin + k * width, origin + (k + 1) * width); null when not reduced. */
  buckets: { origin: number; width: number; count: number } | null
}

/** Options of a ColumnReducer. */
export interface ColumnReducerOptions {
  /** The most buckets kept; the result has between half of this and this many. @default 2000 */
  maxBuckets?: number
  /** Points kept unreduced before bucketing starts. @default 4 * maxBuckets */
  exactPoints?: number
}

interface Bucket {
  fx: number
  fy: number
  lx: number
  ly: number
  nx: number
  ny: number
  mx: number
  my: number
  n: number
  /** First x of a NaN, +Infinity and -Infinity in this bucket (NaN when none). */
  bad: [number, number, number]
}

const KINDS: readonly NonFiniteKind[] = ['NaN', 'Infinity', '-Infinity']

/** Reduces a stream of (x, y) points to at most about 4 points per bucket; see the module doc. */
export class ColumnReducer {
  readonly #maxBuckets: number
  readonly #exactPoints: number
  #raw: { x: number[]; y: number[] } | null = { x: [], y: [] }
  #buckets = new Map<number, Bucket>()
  #origin = 0
  #width = 1
  #count = 0
  #nonFinite: Record<NonFiniteKind, number> = { NaN: 0, Infinity: 0, '-Infinity': 0 }
  #min: { x: number; y: number } | null = null
  #max: { x: number; y: number } | null = null
  #last: number | null = null

  /** Creates an empty reducer. */
  constructor(options: ColumnReducerOptions = {}) {
    const maxBuckets = options.maxBuckets ?? 2000
    if (!Number.isInteger(maxBuckets) || maxBuckets < 2) {
      throw new RangeError(`maxBuckets must be an integer of at least 2, got ${maxBuckets}`)
    }
    this.#maxBuckets = maxBuckets
    this.#exactPoints = options.exactPoints ?? 4 * maxBuckets
  }

  /** Finite points read so far. */
  get count(): number {
    return this.#count
  }

  /** Adds one point; an x that is not a finite number is ignored. */
  add(x: number, y: number): void {
    if (!Number.isFinite(x)) return
    this.#last = y
    if (Number.isFinite(y)) {
      this.#count++
      if (this.#min === null || y < this.#min.y) this.#min = { x, y }
      if (this.#max === null || y > this.#max.y) this.#max = { x, y }
    } else {
      this.#nonFinite[kindOf(y)]++
    }
    const raw = this.#raw
    if (raw) {
      raw.x.push(x)
      raw.y.push(y)
      if (raw.x.length > this.#exactPoints) this.#startBuckets(raw)
      return
    }
    this.#bucket(x, y)
  }

  /** The reduced line, points sorted by x. */
  finish(): ReducedSeries {
    const points: { x: number; y: number; i: number }[] = []
    let i = 0
    if (this.#raw) {
      for (let k = 0; k < this.#raw.x.length; k++) {
        points.push({ x: this.#raw.x[k], y: this.#raw.y[k], i: i++ })
      }
    } else {
      for (const b of this.#buckets.values()) {
        if (b.n > 0) {
          points.push({ x: b.fx, y: b.fy, i: i++ }, { x: b.nx, y: b.ny, i: i++ })
          points.push({ x: b.mx, y: b.my, i: i++ }, { x: b.lx, y: b.ly, i: i++ })
        }
        b.bad.forEach((bx, k) => {
          if (!Number.isNaN(bx)) points.push({ x: bx, y: badValue(k), i: i++ })
        })
      }
    }
    points.sort((a, b) => a.x - b.x || a.i - b.i)
    const x: number[] = []
    const y: (number | null)[] = []
    const marks: NonFiniteMark[] = []
    for (const [k, p] of points.entries()) {
      const prev = points[k - 1]
      if (this.#raw === null && prev && prev.x === p.x && Object.is(prev.y, p.y)) continue
      x.push(p.x)
      if (Number.isFinite(p.y)) y.push(p.y)
      else {
        y.push(null)
        marks.push({ x: p.x, kind: kindOf(p.y) })
      }
    }
    return {
      x,
      y,
      marks,
      count: this.#count,
      nonFinite: { ...this.#nonFinite },
      min: this.#min,
      max: this.#max,
      last: this.#last,
      reduced: this.#raw === null,
      buckets: this.#raw === null
        ? { origin: this.#origin, width: this.#width, count: this.#buckets.size }
        : null,
    }
  }

  #startBuckets(raw: { x: number[]; y: number[] }): void {
    let lo = Infinity
    let hi = -Infinity
    for (const v of raw.x) {
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
    this.#origin = lo
    this.#width = hi > lo ? (hi - lo) / this.#maxBuckets * (1 + 1e-9) : 1
    this.#raw = null
    for (let k = 0; k < raw.x.length; k++) this.#bucket(raw.x[k], raw.y[k])
  }

  #bucket(x: number, y: number): void {
    const key = Math.floor((x - this.#origin) / this.#width)
    let b = this.#buckets.get(key)
    if (!b) {
      b = newBucket()
      this.#buckets.set(key, b)
    }
    addToBucket(b, x, y)
    if (this.#buckets.size > this.#maxBuckets) this.#widen()
  }

  /** Doubles the bucket width, merging pairs of buckets (exact: first, last, min, max merge). */
  #widen(): void {
    while (this.#buckets.size > this.#maxBuckets) {
      this.#width *= 2
      const merged = new Map<number, Bucket>()
      for (const [key, b] of this.#buckets) {
        const k = Math.floor(key / 2)
        const into = merged.get(k)
        if (into) mergeBucket(into, b)
        else merged.set(k, b)
      }
      this.#buckets = merged
    }
  }
}

function kindOf(y: number): NonFiniteKind {
  return Number.isNaN(y) ? 'NaN' : y > 0 ? 'Infinity' : '-Infinity'
}

function badValue(k: number): number {
  return k === 0 ? NaN : k === 1 ? Infinity : -Infinity
}

function newBucket(): Bucket {
  return {
    fx: NaN,
    fy: NaN,
    lx: NaN,
    ly: NaN,
    nx: NaN,
    ny: NaN,
    mx: NaN,
    my: NaN,
    n: 0,
    bad: [NaN, NaN, NaN],
  }
}

function addToBucket(b: Bucket, x: number, y: number): void {
  if (!Number.isFinite(y)) {
    const k = KINDS.indexOf(kindOf(y))
    if (Number.isNaN(b.bad[k]) || x < b.bad[k]) b.bad[k] = x
    return
  }
  if (b.n === 0) {
    b.fx =
      b.lx =
      b.nx =
      b.mx =
        x
    b.fy =
      b.ly =
      b.ny =
      b.my =
        y
    b.n = 1
    return
  }
  b.n++
  if (x < b.fx) [b.fx, b.fy] = [x, y]
  if (x >= b.lx) [b.lx, b.ly] = [x, y]
  if (y < b.ny) [b.nx, b.ny] = [x, y]
  if (y > b.my) [b.mx, b.my] = [x, y]
}

function mergeBucket(into: Bucket, b: Bucket): void {
  for (let k = 0; k < 3; k++) {
    if (!Number.isNaN(b.bad[k]) && (Number.isNaN(into.bad[k]) || b.bad[k] < into.bad[k])) {
      into.bad[k] = b.bad[k]
    }
  }
  if (b.n === 0) return
  if (into.n === 0) {
    Object.assign(into, { ...b, bad: into.bad })
    return
  }
  into.n += b.n
  if (b.fx < into.fx) [into.fx, into.fy] = [b.fx, b.fy]
  if (b.lx >= into.lx) [into.lx, into.ly] = [b.lx, b.ly]
  if (b.ny < into.ny) [into.nx, into.ny] = [b.nx, b.ny]
  if (b.my > into.my) [into.mx, into.my] = [b.mx, b.my]
}
