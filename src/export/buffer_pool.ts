/**
 * Big buffers kept for reuse on one thread instead of being left to the collector. Two pools use
 * it. The Parquet writer's: a bulk export writes part after part, and each part's row-group
 * storage (grown from 1,024 rows to the group's limit) and output buffer (grown to a row group's
 * bytes) used to be allocated anew, some 40 MB per 100,000 rows of 21 columns (`bench/README.md`,
 * "A pool for the writer's buffers"); its buffers are taken by exact size, which the writers'
 * doubling growth repeats from file to file. And the export decoder's (`decoded_columns.ts`),
 * whose buffers come in size classes. A pool holds at most its `maxBytes`, and only buffers of
 * `MIN_POOLED` bytes or more. Whoever gives a buffer back must hold no view of it any more.
 *
 * @module
 */
import { allocUnsafe } from '../runtime.ts'

/** Most bytes the writer's pool holds on one thread. */
export const POOL_BYTES = 32 << 20

/** Smallest buffer worth keeping, in bytes. */
export const MIN_POOLED = 8 << 10

/** Options of {@linkcode BufferPool}. */
export interface BufferPoolOptions {
  /** Most bytes held. */
  maxBytes: number
  /**
   * Round each size up to one of four classes per power of two (80,000 bytes are 81,920), so
   * buffers of nearby sizes are shared at the cost of at most a quarter more memory. @default false
   */
  sizeClasses?: boolean
}

/** Buffers given back, by byte length, for the next take of that length (or its class). */
export class BufferPool {
  /**
   * Fill each buffer given back with 0xff bytes (every double in it a NaN), so that a reader
   * still holding a view reads garbage instead of plausible numbers: tests turn it on.
   */
  perturb = false
  readonly #maxBytes: number
  readonly #classes: boolean
  readonly #free = new Map<number, ArrayBuffer[]>()
  #held = 0

  /** An empty pool holding at most `options.maxBytes`. */
  constructor(options: BufferPoolOptions) {
    this.#maxBytes = options.maxBytes
    this.#classes = options.sizeClasses ?? false
  }

  /** The byte length a take of `byteLength` bytes gets: itself, or its size class. */
  sizeFor(byteLength: number): number {
    if (!this.#classes || byteLength < MIN_POOLED) return byteLength
    const step = 2 ** (Math.floor(Math.log2(byteLength)) - 2)
    return Math.ceil(byteLength / step) * step
  }

  /**
   * An ArrayBuffer of {@linkcode sizeFor} `byteLength` bytes: a pooled one, or a new one; either
   * way its bytes are not zeroed (callers write every byte before reading it).
   */
  take(byteLength: number): ArrayBuffer {
    const size = this.sizeFor(byteLength)
    const pooled = this.#free.get(size)?.pop()
    if (pooled !== undefined) {
      this.#held -= size
      return pooled
    }
    return allocUnsafe(size).buffer as ArrayBuffer
  }

  /**
   * Keeps the whole buffer under `view`, when it is big enough and the pool has room; the caller
   * keeps no view of it. A view over part of a buffer, or a buffer that cannot be reused (a
   * detached or growable one), is left to the collector.
   */
  giveBack(view: ArrayBufferView | ArrayBuffer): void {
    const buffer = view instanceof ArrayBuffer ? view : view.buffer
    if (!(buffer instanceof ArrayBuffer) || buffer.resizable) return
    if (!(view instanceof ArrayBuffer) && view.byteLength !== buffer.byteLength) return
    const size = buffer.byteLength
    if (size < MIN_POOLED || this.#held + size > this.#maxBytes) return
    let list = this.#free.get(size)
    if (list === undefined) this.#free.set(size, list = [])
    if (list.includes(buffer)) return
    if (this.perturb) new Uint8Array(buffer).fill(0xff)
    list.push(buffer)
    this.#held += size
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#held
  }

  /** Lets every buffer held go to the collector. */
  empty(): void {
    this.#free.clear()
    this.#held = 0
  }
}

/** The Parquet writer's pool on this thread (exact sizes, at most `POOL_BYTES`). */
const writerPool = new BufferPool({ maxBytes: POOL_BYTES })

/** An ArrayBuffer of exactly `byteLength` bytes from the writer's pool (see {@linkcode BufferPool.take}). */
export function takeBuffer(byteLength: number): ArrayBuffer {
  return writerPool.take(byteLength)
}

/** `size` float64 slots over {@linkcode takeBuffer}'s memory, not zeroed. */
export function takeFloats(size: number): Float64Array {
  return new Float64Array(takeBuffer(size * 8))
}

/** `size` zeroed bytes over {@linkcode takeBuffer}'s memory. */
export function takeZeroedBytes(size: number): Uint8Array {
  return new Uint8Array(takeBuffer(size)).fill(0)
}

/** Gives the whole buffer under `view` back to the writer's pool (see {@linkcode BufferPool.giveBack}). */
export function giveBack(view: ArrayBufferView | ArrayBuffer): void {
  writerPool.giveBack(view)
}

/** Bytes the writer's pool holds on this thread now. */
export function pooledBytes(): number {
  return writerPool.bytes
}

/** Lets every buffer the writer's pool holds go to the collector (tests; a thread about to idle). */
export function emptyPool(): void {
  writerPool.empty()
}
