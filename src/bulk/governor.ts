/**
 * The request governor: one budget shared by every request of a bulk export (GraphQL, file and
 * export downloads), with adaptive concurrency. It wraps `fetch`, so it sees every HTTP attempt
 * the API client makes, retries included:
 *
 * - **AIMD**: each healthy answer raises the limit of requests in flight by `1/limit` (about +1
 *   per round of requests; by 1 until the first failure, doubling it each round), but only once `decreaseIntervalMs` have passed since the last
 *   failure, and only while at least half the limit is in use (requests in flight, or run slots
 *   taken), the learned rate cap holds nothing back and the client's event loop is not
 *   saturated (`busy`): a limit nobody fills, a rate that binds, or a client busy decoding and
 *   writing would not raise throughput (only memory), so it does not grow. A 429, 408, 5xx (but
 *   501) or connection failure halves it, at most once per `decreaseIntervalMs`, never below
 *   `minConcurrency`. While failures keep coming the limit only goes down.
 * - **Runs follow it**: `runs` hands out run slots up to the same limit, so a bulk export starts
 *   as many runs as the limit allows (each run keeps about one request in flight) and fewer after
 *   a 429.
 * - **Per origin** (`origin_lanes.ts`): pauses, pacing and learned rates belong to the origin
 *   (scheme, host, port) that answered, since a rate limit belongs to one service: W&B limits
 *   its API, not the signed storage URLs a run's files come from. A 429 from the API neither
 *   paces nor holds storage downloads. Waiting requests start first come, first served among
 *   the origins that may start. At most 16 origins get a lane; the rest share one.
 * - **Pauses**: `Retry-After` on a 429/503 (and `RateLimit-Remaining: 0` with `RateLimit-Reset`)
 *   holds every new request to that origin until that time, not only the retried one. The pause
 *   budget (`maxTotalPauseMs`) is one for the whole export.
 * - **Rate cap**: `maxRequestsPerSecond` spaces request starts to each origin evenly, and so does
 *   the rate learned from that origin's 429s (`rate_cap.ts`: 0.7 × the rate that met the limit,
 *   creeping back up while it holds requests back), so a binding limit is used with few 429s.
 * - **A 429 from a paced origin does not halve the limit**: once an origin's rate is learned, a
 *   429 from it means requests started a little too fast, which its rate cap corrects; halving
 *   the limit of requests in flight (and so of runs in flight) would not slow that origin's
 *   starts (they wait for the pacing clock, not for a slot) but would starve the other origins
 *   and stages (storage downloads, decoding, writing). The first 429 from an origin, before its
 *   rate is learned, halves as any failure does; 408, 5xx and connection failures always do.
 *
 * Every change of the limit is recorded in `history` (bounded), with the request rate then.
 *
 * @module
 */
import { parseRetryAfter } from '../http/retry_policy.ts'
import { type Lane, OriginLanes, originOf } from './origin_lanes.ts'
import { RunSlots } from './run_slots.ts'

/** Options of {@linkcode Governor}. */
export interface GovernorOptions {
  /** Most requests in flight at once. @default 16 */
  maxConcurrency?: number
  /** Fewest requests in flight the limit can fall to. @default 1 */
  minConcurrency?: number
  /** Limit at the start. @default half of maxConcurrency, at least minConcurrency */
  initialConcurrency?: number
  /** Most request starts per second to each origin; undefined means no cap. @default undefined */
  maxRequestsPerSecond?: number
  /** Pace requests at a rate learned from 429s (`rate_cap.ts`); false: only halve and pause. @default true */
  learnRate?: boolean
  /**
   * Whether the client itself is the bottleneck (its event loop saturated, `loop_lag.ts`): the
   * limit does not grow then, since more requests in flight would add memory, not throughput.
   * @default never
   */
  busy?: () => boolean
  /** Least time between two halvings, and from a failure to the next increase, in ms. @default 1000 */
  decreaseIntervalMs?: number
  /** Longest pause a `Retry-After` or `RateLimit-Reset` can impose, in ms. @default 120000 */
  maxPauseMs?: number
  /**
   * Most time pauses may hold requests over the governor's life (one export), in ms; once spent,
   * a `Retry-After` no longer holds anything and the requests asking fail fast. @default 600000
   */
  maxTotalPauseMs?: number
  /** Told each time a server asks for a pause: what it asked and what was granted. */
  onPause?: (info: PauseInfo) => void
  /** Most samples kept in `history` (older ones are dropped). @default 10000 */
  historyLimit?: number
  /** The fetch to wrap. @default globalThis.fetch */
  fetch?: typeof fetch
  /** Clock in ms. @default Date.now */
  now?: () => number
}

/** A server's request to pause (`Retry-After`, `RateLimit-Reset`) and what the governor did. */
export interface PauseInfo {
  /** The status that carried it (a 2xx: `RateLimit-Reset` on a healthy answer). */
  status: number
  /** How long the server asked for, in ms. */
  askedMs: number
  /** How much longer requests are now held, in ms (0: the pause budget is spent). */
  grantedMs: number
  /** Pause time spent so far, in ms. */
  spentMs: number
  /** The pause budget (`maxTotalPauseMs`). */
  budgetMs: number
}

/** Why a history sample was taken. */
export type GovernorEvent = 'start' | 'increase' | 'decrease' | 'pause' | 'sample'

/** One point of the governor's history. */
export interface GovernorSample {
  /** Epoch ms. */
  at: number
  /** The concurrency limit (whole requests). */
  limit: number
  /** Requests in flight. */
  inFlight: number
  /** Requests started in the last second. */
  rate: number
  /** Run slots in use (`governor.runs`). */
  runs: number
  /** What happened. */
  event: GovernorEvent
  /** The status that caused a decrease or pause (0: connection failure). */
  status?: number
}

/** Counters over the governor's life. */
export interface GovernorStats {
  /** Requests sent (every attempt). */
  requests: number
  /** Answers that were neither throttled nor failed. */
  succeeded: number
  /** 429 answers. */
  throttled: number
  /** 408 and 5xx (but 501) answers. */
  serverErrors: number
  /** Attempts that failed without an answer. */
  networkErrors: number
  /** Times the limit was halved. */
  decreases: number
  /** Pauses imposed by `Retry-After` or `RateLimit-Reset`. */
  pauses: number
}

/** Adaptive concurrency and pacing for every request of a bulk export. */
export class Governor {
  /** `fetch` through the governor: pass it as the API client's `fetch` option. */
  readonly fetch: typeof fetch
  /** Run slots, as many as the request limit: a bulk export takes one per run in flight. */
  readonly runs: RunSlots
  /** Limit changes, pauses and periodic samples, oldest first. */
  readonly history: GovernorSample[] = []
  /** Counters. */
  readonly stats: GovernorStats = {
    requests: 0,
    succeeded: 0,
    throttled: 0,
    serverErrors: 0,
    networkErrors: 0,
    decreases: 0,
    pauses: 0,
  }
  readonly #max: number
  readonly #min: number
  readonly #rps: number | undefined
  readonly #decreaseMs: number
  readonly #maxPauseMs: number
  readonly #maxTotalPauseMs: number
  #pauseSpent = 0
  /** Told each time a server asks for a pause (settable after construction). */
  onPause: ((info: PauseInfo) => void) | undefined
  readonly #historyLimit: number
  readonly #now: () => number
  readonly #inner: typeof fetch
  #limit: number
  #inFlight = 0
  #lanes = new OriginLanes()
  #waiting = 0
  #seq = 0
  #lastDecrease = -Infinity
  #lastFailure = -Infinity
  #lastSample = -Infinity
  #starts: number[] = []
  readonly #learnRate: boolean
  readonly #busy: (() => boolean) | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #timerAt = Infinity

  /** Creates a governor; throws a RangeError for inconsistent limits. */
  constructor(options: GovernorOptions = {}) {
    this.#max = options.maxConcurrency ?? 16
    this.#min = options.minConcurrency ?? 1
    if (!Number.isInteger(this.#min) || this.#min < 1 || !Number.isInteger(this.#max)) {
      throw new RangeError(
        `Cannot govern requests with concurrency ${this.#min}..${this.#max}: use whole numbers >= 1`,
      )
    }
    if (this.#max < this.#min) {
      throw new RangeError(
        `Cannot govern requests with maxConcurrency ${this.#max} below minConcurrency ${this.#min}`,
      )
    }
    const initial = options.initialConcurrency ?? Math.max(this.#min, Math.ceil(this.#max / 2))
    this.#limit = Math.min(this.#max, Math.max(this.#min, initial))
    this.#rps = options.maxRequestsPerSecond
    if (this.#rps !== undefined && !(this.#rps > 0)) {
      throw new RangeError(
        `Cannot cap requests at ${this.#rps} per second: use a positive number or leave it unset`,
      )
    }
    this.#learnRate = options.learnRate ?? true
    this.#busy = options.busy
    this.#decreaseMs = options.decreaseIntervalMs ?? 1000
    this.#maxPauseMs = options.maxPauseMs ?? 120_000
    this.#maxTotalPauseMs = options.maxTotalPauseMs ?? 600_000
    this.onPause = options.onPause
    this.#historyLimit = options.historyLimit ?? 10_000
    this.#now = options.now ?? Date.now
    this.#inner = options.fetch ?? globalThis.fetch.bind(globalThis)
    this.fetch = (input, init) => this.#governedFetch(input, init)
    this.runs = new RunSlots(() => this.#limit)
    this.#sample('start')
  }

  /** The current limit of requests in flight (whole requests). */
  get limit(): number {
    return Math.floor(this.#limit)
  }

  /**
   * The request rate learned from 429s (requests/s): the lowest over the origins that taught one
   * (in a bulk export, the W&B API's), or undefined before the first 429.
   */
  get learnedRate(): number | undefined {
    let rate: number | undefined
    for (const lane of this.#lanes.all()) {
      const value = lane.learned.value
      if (value !== undefined && (rate === undefined || value < rate)) rate = value
    }
    return rate
  }

  /** The rate learned from the 429s of the origin of `url` (requests/s), or undefined. */
  learnedRateFor(url: RequestInfo | URL): number | undefined {
    return this.#lanes.for(originOf(url)).learned.value
  }

  /** Origins with a lane of their own or shared (at most 17: 16 and the overflow lane). */
  get lanes(): number {
    return this.#lanes.size
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** Requests started in the last second. */
  rate(): number {
    const cutoff = this.#now() - 1000
    const starts = this.#starts
    let drop = 0
    while (drop < starts.length && starts[drop] <= cutoff) drop++
    if (drop > 0) starts.splice(0, drop)
    return starts.length
  }

  /** Epoch ms until which new requests to some origin are held (the latest such time), or 0. */
  get pausedUntil(): number {
    let until = 0
    for (const lane of this.#lanes.all()) until = Math.max(until, lane.pausedUntil)
    return until > this.#now() ? until : 0
  }

  /** Epoch ms until which new requests to the origin of `url` are held, or 0. */
  pausedUntilFor(url: RequestInfo | URL): number {
    const until = this.#lanes.for(originOf(url)).pausedUntil
    return until > this.#now() ? until : 0
  }

  /**
   * Waits for a slot (and for any pause or rate spacing of the origin of `url`; without one, the
   * shared overflow lane's); the returned function frees it.
   */
  acquire(signal?: AbortSignal, url: RequestInfo | URL = ''): Promise<() => void> {
    const lane = this.#lanes.for(originOf(url))
    return new Promise<() => void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      let released = false
      const release = () => {
        if (released) return
        released = true
        this.#inFlight--
        this.#pump()
      }
      this.#waiting++
      const onAbort = (reason: unknown) => {
        this.#waiting--
        reject(reason)
      }
      lane.waiters.push({ seq: this.#seq++, start: () => resolve(release) }, signal, onAbort)
      this.#pump()
    })
  }

  /** Fetch through a slot, then learn from the answer. */
  async #governedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const signal = init?.signal ?? undefined
    const lane = this.#lanes.for(originOf(input))
    const release = await this.acquire(signal, input)
    this.stats.requests++
    try {
      const response = await this.#inner(input, init)
      this.#observe(lane, response.status, response.headers)
      return response
    } catch (err) {
      if (!signal?.aborted) this.#observe(lane, 0, undefined)
      throw err
    } finally {
      release()
    }
  }

  /** Adjusts the limit, and the pauses and rate of `lane`, from one answer (status 0: no answer). */
  #observe(lane: Lane, status: number, headers: Headers | undefined): void {
    const now = this.#now()
    const retryAfter = parseRetryAfter(headers?.get('retry-after') ?? null, now)
    if (isFailureStatus(status)) {
      if (status === 429) this.stats.throttled++
      else if (status === 0) this.stats.networkErrors++
      else this.stats.serverErrors++
      this.#lastFailure = now
      // A 429 from an origin already paced is its rate cap's to correct (see the module doc).
      const paced = status === 429 && this.#learnRate && lane.learned.value !== undefined
      if (status === 429) lane.rejected()
      if (status === 429 && this.#learnRate && now - lane.lastThrottle >= this.#decreaseMs) {
        lane.throttled(now)
      }
      if (!paced && now - this.#lastDecrease >= this.#decreaseMs) {
        this.#lastDecrease = now
        this.#limit = Math.max(this.#min, this.#limit / 2)
        this.stats.decreases++
        this.#sample('decrease', status)
      }
      if (retryAfter !== undefined) this.#pause(lane, now + retryAfter, status)
    } else {
      this.stats.succeeded++
      const grow = now - this.#lastFailure >= this.#decreaseMs
      if (grow) lane.learned.healthy(now, lane.rate(now))
      // Grow while at least half the limit is in use (requests sent, or runs when runs take
      // slots), and not while a learned rate holds requests back or the client's own loop is
      // saturated: more would not help then.
      const used = Math.max(this.#inFlight, this.runs.inUse)
      if (
        grow && used * 2 >= Math.floor(this.#limit) && !this.#rateBinds(now) && !this.#busy?.()
      ) {
        const before = Math.floor(this.#limit)
        // Slow start: one more per answer (doubling each round) until the first failure.
        const step = this.#lastFailure === -Infinity ? 1 : 1 / this.#limit
        this.#limit = Math.min(this.#max, this.#limit + step)
        if (Math.floor(this.#limit) > before) this.#sample('increase')
      }
    }
    const remaining = headers?.get('ratelimit-remaining')
    const reset = headers?.get('ratelimit-reset')
    if (remaining != null && Number(remaining) <= 0 && reset != null) {
      const wait = parseRetryAfter(reset, now)
      if (wait !== undefined) this.#pause(lane, now + wait, status)
    }
    this.#pump()
    this.runs.wake()
  }

  /** Pause time spent so far, in ms (at most `maxTotalPauseMs`). */
  get pauseSpentMs(): number {
    return this.#pauseSpent
  }

  /** Whether some origin's learned rate holds requests back. */
  #rateBinds(now: number): boolean {
    for (const lane of this.#lanes.all()) {
      if (lane.learned.binding(now, lane.rate(now))) return true
    }
    return false
  }

  /** Holds new requests to `lane` until `until`, capped by `maxPauseMs` and the budget left. */
  #pause(lane: Lane, until: number, status: number): void {
    const now = this.#now()
    const from = Math.max(now, lane.pausedUntil)
    const left = Math.max(0, this.#maxTotalPauseMs - this.#pauseSpent)
    const capped = Math.min(until, now + this.#maxPauseMs, from + left)
    const granted = Math.max(0, capped - from)
    this.onPause?.({
      status,
      askedMs: Math.max(0, until - now),
      grantedMs: granted,
      spentMs: this.#pauseSpent + granted,
      budgetMs: this.#maxTotalPauseMs,
    })
    if (granted <= 0) return
    this.#pauseSpent += granted
    lane.pausedUntil = capped
    this.stats.pauses++
    this.#sample('pause', status)
  }

  /**
   * Starts as many waiters as the limit allows, each origin's first waiter once its pause and
   * rate cap allow (the earliest arrival first); sets a timer for the rest.
   */
  #pump(): void {
    while (this.#waiting > 0 && this.#inFlight < Math.floor(this.#limit)) {
      const now = this.#now()
      let next: Lane | undefined
      let nextSeq = Infinity
      let wake = Infinity
      for (const lane of this.#lanes.all()) {
        const head = lane.waiters.peek()
        if (head === undefined) continue
        const at = lane.readyAt(this.#rpsOf(lane))
        if (at > now) {
          if (now >= lane.pausedUntil) lane.learned.held(now) // held by its rate cap
          wake = Math.min(wake, at)
        } else if (head.seq < nextSeq) {
          next = lane
          nextSeq = head.seq
        }
      }
      if (next === undefined) return wake === Infinity ? undefined : this.#wakeAt(wake)
      const waiter = next.waiters.shift()!
      this.#waiting--
      this.#inFlight++
      next.started(now, this.#rpsOf(next))
      this.#starts.push(now)
      if (now - this.#lastSample >= 100) this.#sample('sample')
      waiter.start()
    }
  }

  /** The rate cap of `lane` (requests/s; Infinity: none). */
  #rpsOf(lane: Lane): number {
    return Math.min(this.#rps ?? Infinity, lane.learned.value ?? Infinity)
  }

  /** Arms the wake-up timer for `at` unless an earlier one is set. */
  #wakeAt(at: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timerAt = at
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#timerAt = Infinity
      this.#pump()
    }, Math.max(0, at - this.#now()))
  }

  /** Appends a history sample, dropping the oldest beyond the limit. */
  #sample(event: GovernorEvent, status?: number): void {
    const now = this.#now()
    this.#lastSample = now
    const sample: GovernorSample = {
      at: now,
      limit: Math.floor(this.#limit),
      inFlight: this.#inFlight,
      rate: this.rate(),
      runs: this.runs.inUse,
      event,
    }
    if (status !== undefined) sample.status = status
    this.history.push(sample)
    if (this.history.length > this.#historyLimit) this.history.splice(0, this.history.length >> 1)
  }
}

/** Whether a status is a failure the governor slows down for: 429, 408, 5xx but 501, 0 (no answer). */
export function isFailureStatus(status: number): boolean {
  return status === 429 || status === 408 || status === 0 || (status >= 500 && status !== 501)
}
