/**
 * Output pieces lent to a byte stream's reader and given back once written. A Parquet writer hands
 * its row groups on in copies of at most {@linkcode PIECE_BYTES} (`parquet_sink.ts`), since a
 * reader may hold a chunk; a fresh array for every piece made the output's whole size in
 * ArrayBuffer garbage, and on Node that memory starts full collections of its own
 * (`bench/README.md`, "Row objects into columns, compiled"). A reader that is the stream's only
 * one, and is done with each chunk once it is written (the atomic file writer, when its caller
 * says so), gives pieces back; any other reader keeps them and they are collected as before. A
 * piece is taken back once per lending, so a piece given back twice is not lent to two writers.
 *
 * @module
 */

import { allocUnsafe } from './runtime.ts'

/** Most bytes of one piece. */
export const PIECE_BYTES = 1 << 20

/** Pieces given back and not lent again, kept per thread. */
const KEPT_PIECES = 4

const kept: Uint8Array[] = []
const lent = new WeakSet<ArrayBuffer>()

/**
 * Lends `size` bytes (at most {@linkcode PIECE_BYTES}): a piece given back earlier where one is
 * kept, else a new array (a whole piece when `size` is one, so that it can be kept later).
 */
export function lendPiece(size: number): Uint8Array {
  if (!(size >= 0 && size <= PIECE_BYTES)) {
    throw new RangeError(`Cannot lend a piece of ${size} bytes: use 0 to ${PIECE_BYTES}`)
  }
  const whole = kept.pop()
  if (whole === undefined && size < PIECE_BYTES) return allocUnsafe(size)
  const piece = whole ?? allocUnsafe(PIECE_BYTES)
  lent.add(piece.buffer as ArrayBuffer)
  return piece.subarray(0, size)
}

/** Takes back a piece {@linkcode lendPiece} lent, once its reader is done with it; ignores other arrays. */
export function givePieceBack(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer
  if (!lent.has(buffer)) return
  lent.delete(buffer)
  if (kept.length < KEPT_PIECES) kept.push(new Uint8Array(buffer))
}
