/**
 * Decompressors for reading Parquet exports: SNAPPY through hysnappy's WebAssembly (hyparquet's
 * own is JavaScript: the profile of a bulk export had it at 4.6% of the main thread), and the codecs
 * hyparquet does not read by itself: GZIP and BROTLI everywhere, ZSTD where `node:zlib` has it
 * (Deno, Bun, Node ≥ 22.15).
 *
 * @module
 */
import * as zlib from 'node:zlib'
import type { Compressors } from 'hyparquet'
import { snappyUncompressor } from 'hysnappy'

/** A one-shot decompressor from `node:zlib`. */
type Inflate = (input: Uint8Array) => Uint8Array

/** Wraps a zlib one-shot function in hyparquet's decompressor signature. */
function codec(inflate: Inflate): (input: Uint8Array, outputLength: number) => Uint8Array {
  return (input) => new Uint8Array(inflate(input))
}

/** The extra decompressors available on this runtime, for hyparquet's `compressors` option. */
export function exportDecompressors(): Compressors {
  const out: Compressors = {
    GZIP: codec((b) => zlib.gunzipSync(b)),
    BROTLI: codec((b) => zlib.brotliDecompressSync(b)),
  }
  const zstd = (zlib as unknown as { zstdDecompressSync?: Inflate }).zstdDecompressSync
  if (typeof zstd === 'function') out.ZSTD = codec((b) => zstd(b))
  const snappy = wasmSnappy()
  if (snappy) out.SNAPPY = snappy
  return out
}

/** hysnappy's WebAssembly decompressor, when it loads and round-trips here (else hyparquet's own). */
function wasmSnappy(): Compressors['SNAPPY'] {
  try {
    const uncompress = snappyUncompressor()
    // A 3-byte literal: length 3, then a literal tag of length 3.
    const probe = uncompress(new Uint8Array([3, 8, 1, 2, 3]), 3)
    return probe.length === 3 && probe[2] === 3 ? uncompress : undefined
  } catch {
    return undefined
  }
}
