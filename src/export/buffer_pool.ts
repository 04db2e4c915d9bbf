/**
 * Big buffers of finished Parquet files, kept for the next file on the same thread: a bulk export
 * writes part after part, and each part's row-group storage (grown from 1,024 rows to the group's
 * limit) and output buffer (grown to a row group's bytes) used to be allocated anew and left to
 * the collector, some 40 MB per 100,000 rows of 21 columns. Reused, they cost neither the
 * allocation nor the collections it set off (`bench/README.md`, "A pool for the writer's
 * buffers"). The pool holds at most `POOL_BYTES` per thread, and only buffers of `MIN_POOLED`
 * bytes or more; a buffer is taken by its exact size, which the writers' doubling growth repeats
 * from file to file. Whoever gives a buffer back must hold no view of it any more.
 *
 * @module
 */
import { allocUnsafe } from '../runtime.ts'

/** Most bytes the pool holds on one thread. */
export const POOL_BYTES = 32 << 20

/** Smallest buffer worth keeping, in bytes. */
export const MIN_POOLED = 8 << 10

const free = new Map<number, ArrayBuffer[]>()
let held = 0

/**
 * An ArrayBuffer of exactly `byteLength` bytes: a pooled one, or a new one; either way its bytes
 * are not zeroed (callers write every byte before reading it).
 */
export function takeBuffer(byteLength: number): ArrayBuffer {
  const list = free.get(byteLength)
  const pooled = list?.pop()
  if (pooled !== undefined) {
    held -= byteLength
    return pooled
  }
  return allocUnsafe(byteLength).buffer as ArrayBuffer
}

/** `size` float64 slots over {@linkcode takeBuffer}'s memory, not zeroed. */
export function takeFloats(size: number): Float64Array {
  return new Float64Array(takeBuffer(size * 8))
}

/** `size` zeroed bytes over {@linkcode takeBuffer}'s memory. */
export function takeZeroedBytes(size: number): Uint8Array {
  return new Uint8Array(takeBuffer(size)).fill(0)
}

/**
 * Gives the whole buffer under `view` back, when it is big enough and the pool has room; the
 * caller keeps no view of it. A view over part of a buffer, or a buffer that cannot be reused (a
 * detached or growable one), is left to the collector.
 */
export function giveBack(view: ArrayBufferView | ArrayBuffer): void {
  const buffer = view instanceof ArrayBuffer ? view : view.buffer
  if (!(buffer instanceof ArrayBuffer) || buffer.resizable) return
  if (!(view instanceof ArrayBuffer) && view.byteLength !== buffer.byteLength) return
  const size = buffer.byteLength
  if (size < MIN_POOLED || held + size > POOL_BYTES) return
  let list = free.get(size)
  if (list === undefined) free.set(size, list = [])
  if (list.includes(buffer)) return
  list.push(buffer)
  held += size
}

/** Bytes the pool holds on this thread now. */
export function pooledBytes(): number {
  return held
}

/** Lets every pooled buffer go to the collector (tests; a thread about to idle). */
export function emptyPool(): void {
  free.clear()
  held = 0
}
