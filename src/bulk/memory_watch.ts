/**
 * Keeps a bulk export's resident memory near its bound by collecting garbage once the process
 * passes it. The byte budget (`byte_budget.ts`) bounds what the runs in flight hold alive, but
 * the engine collects what they leave behind when its own heuristics say so: the decoded row
 * groups, bodies and encoded pages of finished groups. On Deno a 500-run export reached 620 MB of
 * resident memory, and 320 MB with the garbage collected as it came (`bench/README.md`, "A memory
 * watch"). So the watch reads the resident size every
 * `intervalMs` and runs a full collection (`runtime.ts` `collectGarbage`) once it is above
 * `limitBytes` and above the size the last collection left plus `stepBytes` (the pooled buffers,
 * `buffer_pool.ts`, are let go first). The step keeps a process whose live memory is above the
 * limit from collecting again and again for nothing. Where the runtime can (`runtime.ts`
 * `trimNativeHeap`: Deno on Linux), the watch first asks malloc to give back what freed buffers
 * left in its heaps (glibc keeps what the engine frees), and collects only when the trimmed size
 * is still `stepBytes` above the bound: a collection is about 100 ms of the main thread, a trim a
 * fraction of that. Figures: `bench/README.md`, "Decoded columns given back". At every check it
 * also keeps the engine's young generation within {@linkcode YOUNG_GENERATION_BYTES} (Node).
 *
 * @module
 */
import { emptyPool } from '../export/buffer_pool.ts'
import { columnPool } from '../api/history/decoded_columns.ts'
import {
  capYoungGeneration,
  collectGarbage,
  residentBytes,
  trimNativeHeap,
  uncapYoungGeneration,
} from '../runtime.ts'

/**
 * Most bytes the engine's young generation may take (`runtime.ts` `capYoungGeneration`; Node's
 * would reach 128 MiB): held there, a big export on Node peaks lower for no more CPU
 * (`bench/README.md`, "Node's young generation capped").
 */
export const YOUNG_GENERATION_BYTES = 16 << 20

/** Options of {@linkcode MemoryWatch}. */
export interface MemoryWatchOptions {
  /** Resident bytes above which garbage is collected. */
  limitBytes: number
  /** Growth of the resident size since the last collection before another one. @default 64 MiB */
  stepBytes?: number
  /** Milliseconds between two reads of the resident size. @default 50 */
  intervalMs?: number
  /** Reads the resident size. @default `residentBytes` (runtime.ts) */
  resident?: () => number
  /** Collects garbage, saying whether it could. @default `collectGarbage` (runtime.ts) */
  collect?: () => boolean
  /** Gives malloc's free memory back to the system, saying whether it could. @default `trimNativeHeap` (runtime.ts) */
  trim?: () => boolean
  /**
   * Keeps the engine's young generation small: `cap` at the start and at every check, `uncap`
   * when the watch stops, so the program goes on as before.
   * @default `capYoungGeneration(YOUNG_GENERATION_BYTES)` and `uncapYoungGeneration` (runtime.ts)
   */
  young?: { cap: () => void; uncap: () => void }
}

/** What a watch did. */
export interface MemoryWatchStats {
  /** Highest resident size read, in bytes. */
  peakBytes: number
  /** Full collections run. */
  collections: number
  /** Trims of malloc's heaps that spared a collection. */
  trims: number
  /** Milliseconds the collections and trims took together. */
  collectMs: number
}

/** Collects garbage when the process grows past a resident-memory limit. */
export class MemoryWatch {
  /** What the watch has done so far. */
  readonly stats: MemoryWatchStats = {
    peakBytes: 0,
    collections: 0,
    collectMs: 0,
    trims: 0,
  }
  #limit: number
  #step: number
  #interval: number
  #resident: () => number
  #collect: () => boolean
  #trim: () => boolean
  #young: { cap: () => void; uncap: () => void }
  #next: number
  #timer: ReturnType<typeof setInterval> | undefined
  #unable = false

  /** Watches with the given limit; throws a RangeError naming a limit that is not positive. */
  constructor(options: MemoryWatchOptions) {
    if (!(options.limitBytes > 0)) {
      throw new RangeError(
        `Cannot watch memory against a limit of ${options.limitBytes} bytes: use a positive number`,
      )
    }
    this.#limit = options.limitBytes
    this.#step = options.stepBytes ?? 64 * 1024 * 1024
    this.#interval = options.intervalMs ?? 50
    this.#resident = options.resident ?? residentBytes
    this.#collect = options.collect ?? collectGarbage
    this.#trim = options.trim ?? trimNativeHeap
    this.#young = options.young ?? {
      cap: () => capYoungGeneration(YOUNG_GENERATION_BYTES),
      uncap: uncapYoungGeneration,
    }
    this.#next = this.#limit
  }

  /**
   * Caps the young generation, reads the resident size once and, when it is due, trims malloc's
   * heaps or else collects; says whether it collected.
   */
  check(): boolean {
    this.#young.cap()
    const bytes = this.#resident()
    this.stats.peakBytes = Math.max(this.stats.peakBytes, bytes)
    if (this.#unable || bytes < this.#next) return false
    const start = performance.now()
    // A trim leaves the live memory and what the engine has yet to free: collect only when that
    // is still a step above the bound (a collection costs the main thread about 100 ms). A trim
    // at every check in between costs less than collecting more often (`bench/README.md`).
    if (this.#trim() && this.#resident() < this.#next + this.#step) {
      this.stats.trims++
      this.stats.collectMs += performance.now() - start
      return false
    }
    // The pools' buffers (the Parquet writer's, the decoder's) are kept for reuse, not live: let
    // them go too.
    emptyPool()
    columnPool.empty()
    if (!this.#collect()) {
      this.#unable = true // the runtime offers no collection: stop trying
      return false
    }
    this.stats.collectMs += performance.now() - start
    this.stats.collections++
    this.#next = Math.max(this.#limit, this.#resident() + this.#step)
    return true
  }

  /** Starts checking every `intervalMs` without keeping the process alive. */
  start(): this {
    if (this.#timer === undefined) this.#young.cap()
    this.#timer ??= setInterval(() => this.check(), this.#interval)
    ;(this.#timer as { unref?: () => void }).unref?.()
    return this
  }

  /** Stops checking, and lets the young generation grow again. */
  stop(): void {
    if (this.#timer === undefined) return
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#young.uncap()
  }
}
