/**
 * Decompressors for Parquet codecs hyparquet does not read by itself (it reads SNAPPY and
 * UNCOMPRESSED): GZIP and BROTLI everywhere, ZSTD where `node:zlib` has it (Deno, Bun, Node ≥ 22.15).
 *
 * @module
 */
import * as zlib from 'node:zlib'
import type { Compressors } from 'hyparquet'

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
  return out
}
