/**
 * Compression codecs for the Parquet exporter: snappy through hysnappy's WebAssembly compressor
 * when it loads (else hyparquet-writer's built-in JavaScript one), zstd where `node:zlib` has
 * `zstdCompressSync` (Deno, Bun, Node ≥ 22.15), gzip through `node:zlib`, or none. The matching
 * decompressors let the exporter re-read its own spool files.
 *
 * @module
 */
import * as zlib from 'node:zlib'
import { snappyCompressor } from 'hysnappy'
import type { CompressionCodec } from 'hyparquet'

/** A codec name accepted by the Parquet exporter. */
export type ParquetCodec = 'snappy' | 'zstd' | 'gzip' | 'uncompressed'

type Compress = (input: Uint8Array) => Uint8Array
type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array

/** What hyparquet-writer needs for one codec. */
export interface CodecSetup {
  /** The Parquet codec name. */
  codec: CompressionCodec
  /** Compressors to hand to ParquetWriter (empty for the built-in ones). */
  compressors: Partial<Record<CompressionCodec, Compress>>
}

// deno-lint-ignore no-explicit-any
const z = zlib as any
const zstdCompress: Compress | undefined = typeof z.zstdCompressSync === 'function'
  ? (input) => z.zstdCompressSync(input)
  : undefined
const zstdDecompress: Decompress | undefined = typeof z.zstdDecompressSync === 'function'
  ? (input) => z.zstdDecompressSync(input)
  : undefined

/**
 * A new hysnappy compressor when its WebAssembly module works here, else undefined. Each file
 * gets its own instance: an instance keeps its hash table between calls, so a shared one makes
 * the same rows compress to different bytes depending on what it compressed before (bulk
 * exports must be byte-stable). hysnappy's `snappyCompress` would instead compile and
 * instantiate the module on every page.
 */
function newFastSnappy(): Compress | undefined {
  try {
    return snappyCompressor()
  } catch {
    return undefined
  }
}

/** Whether hysnappy's WebAssembly compressor works in this runtime (checked once). */
const fastSnappyWorks: boolean = (() => {
  const compress = newFastSnappy()
  try {
    return compress !== undefined &&
      compress(new Uint8Array([1, 2, 3, 1, 2, 3, 1, 2, 3])).length > 0
  } catch {
    return false
  }
})()

/** Whether this runtime can write zstd. */
export const hasZstd: boolean = zstdCompress !== undefined

/** The compressor setup for a codec; throws a RangeError for an unknown or unavailable codec. */
export function codecSetup(codec: unknown): CodecSetup {
  switch (codec) {
    case 'snappy': {
      const fast = fastSnappyWorks ? newFastSnappy() : undefined
      return { codec: 'SNAPPY', compressors: fast ? { SNAPPY: fast } : {} }
    }
    case 'gzip':
      return { codec: 'GZIP', compressors: { GZIP: (input) => zlib.gzipSync(input) } }
    case 'uncompressed':
      return { codec: 'UNCOMPRESSED', compressors: {} }
    case 'zstd':
      if (zstdCompress) return { codec: 'ZSTD', compressors: { ZSTD: zstdCompress } }
      throw new RangeError(
        'Cannot write Parquet with codec "zstd": this runtime\'s node:zlib has no zstdCompressSync (Node < 22.15); use "snappy" or "gzip"',
      )
    default:
      throw new RangeError(
        `Cannot write Parquet with codec ${
          JSON.stringify(codec)
        }: use "snappy", "zstd", "gzip" or "uncompressed"`,
      )
  }
}

/** Decompressors for reading back gzip and zstd spool files (hyparquet reads snappy itself). */
export const spoolDecompressors: Partial<Record<CompressionCodec, Decompress>> = {
  GZIP: (input) => zlib.gunzipSync(input),
  ...(zstdDecompress ? { ZSTD: zstdDecompress } : {}),
}
