/**
 * Compression codecs for the Parquet exporter: snappy through hysnappy's WebAssembly compressor
 * when it loads (else hyparquet-writer's built-in JavaScript one), zstd through libzstd compiled
 * to WebAssembly (level 3, `zstd_wasm.ts`), gzip through `node:zlib`, or none. The matching
 * decompressors let the exporter re-read its own spool files.
 *
 * zstd is not `node:zlib`'s: Deno, Bun and Node each link their own libzstd build with their own
 * frame parameters (Deno leaves the content size out of the frame header; Bun's and Node's
 * libzstd revisions pick different blocks), so the same rows made different bytes on each
 * runtime, and a bulk export resumed under another runtime was not byte-identical. One pinned
 * WebAssembly build makes the same bytes everywhere. gzip still goes through each runtime's zlib,
 * whose bytes differ between Node and Deno/Bun.
 *
 * @module
 */
import * as zlib from 'node:zlib'
import { snappyCompressor } from 'hysnappy'
import type { CompressionCodec } from 'hyparquet'
import { type ZstdCompress, zstdCompressor } from './zstd_wasm.ts'

/** A codec name accepted by the Parquet exporter. */
export type ParquetCodec = 'snappy' | 'zstd' | 'gzip' | 'uncompressed'

/** A page compressor. */
export type Compress = (input: Uint8Array) => Uint8Array
type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array

/** What hyparquet-writer needs for one codec. */
export interface CodecSetup {
  /** The Parquet codec name. */
  codec: CompressionCodec
  /** Compressors to hand to ParquetWriter (empty for the built-in ones). */
  compressors: Partial<Record<CompressionCodec, Compress>>
  /** Resolves once the compressors can run (zstd loads its WebAssembly first); await it before writing. */
  ready: Promise<void>
}

/** The zstd level of every page: zstd's own default, as DuckDB and pyarrow use. */
export const ZSTD_LEVEL = 3

let zstdLoading: Promise<void> | undefined
let zstdLoaded: 'wasm' | 'native' | undefined
/** This thread's WebAssembly zstd compressor, with its one context, once loaded. */
let wasmZstd: ZstdCompress | undefined

// deno-lint-ignore no-explicit-any
const z = zlib as any

/**
 * Makes this thread's WebAssembly zstd compressor once; resolves when {@linkcode codecSetup}'s zstd
 * compressor can run. Where WebAssembly cannot run (a runtime started without it), zstd falls
 * back to the runtime's `node:zlib`, whose bytes differ between runtimes
 * ({@linkcode zstdImplementation} tells which one is in use).
 */
export function loadZstd(): Promise<void> {
  if (!zstdLoading) {
    zstdLoading = new Promise((resolve, reject) => {
      try {
        wasmZstd = zstdCompressor(ZSTD_LEVEL)
        zstdLoaded = 'wasm'
        resolve()
      } catch (err) {
        if (typeof z.zstdCompressSync === 'function') {
          zstdLoaded = 'native'
          resolve()
          return
        }
        reject(
          new Error(
            `Cannot write Parquet with codec "zstd": its WebAssembly compressor did not load (${
              (err as Error).message
            }) and this runtime's node:zlib has no zstd; use "snappy" or "gzip"`,
            { cause: err },
          ),
        )
      }
    })
    // Handled here so a setup made only to check the codec cannot crash the process; writers
    // that await `ready` still see the error.
    zstdLoading.catch(() => {})
  }
  return zstdLoading
}

/** Which zstd compresses pages: the pinned WebAssembly build, node:zlib's fallback, or none loaded yet. */
export function zstdImplementation(): 'wasm' | 'native' | undefined {
  return zstdLoaded
}

/**
 * Compresses a page with this thread's zstd: one context for every page, fresh frames' bytes. Its
 * `view` gives the WebAssembly build's frame without copying it out, valid until the next page
 * (see {@linkcode compressView}).
 */
const zstdCompress: Compress & { view: Compress } = Object.assign((input: Uint8Array) => {
  if (wasmZstd) return wasmZstd(input)
  if (zstdLoaded === 'native') return z.zstdCompressSync(input) as Uint8Array
  throw new Error("parquet zstd compressor used before it loaded: await the codec setup's ready")
}, { view: (input: Uint8Array) => wasmZstd ? wasmZstd.view(input) : zstdCompress(input) })

/**
 * The compressor's way to a page's bytes that are only read until the next page is compressed
 * (copied into the file at once): a view of the zstd build's memory where it has one, so a page
 * costs no array of its own, else the compressor itself.
 */
export function compressView(compress: Compress | undefined): Compress | undefined {
  return (compress as { view?: Compress } | undefined)?.view ?? compress
}

/** zstd decompression through `node:zlib` (Deno, Bun and Node 24 all have it). */
const zstdDecompress: Decompress = (input) => {
  if (typeof z.zstdDecompressSync !== 'function') {
    throw new Error(
      "Cannot read back a zstd Parquet spool file: this runtime's node:zlib has no zstd; use Node 24, Deno 2 or Bun",
    )
  }
  return z.zstdDecompressSync(input)
}

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

const READY: Promise<void> = Promise.resolve()

/** The compressor setup for a codec; throws a RangeError for an unknown or unavailable codec. */
export function codecSetup(codec: unknown): CodecSetup {
  switch (codec) {
    case 'snappy': {
      const fast = fastSnappyWorks ? newFastSnappy() : undefined
      return { codec: 'SNAPPY', compressors: fast ? { SNAPPY: fast } : {}, ready: READY }
    }
    case 'gzip':
      return {
        codec: 'GZIP',
        compressors: { GZIP: (input) => zlib.gzipSync(input) },
        ready: READY,
      }
    case 'uncompressed':
      return { codec: 'UNCOMPRESSED', compressors: {}, ready: READY }
    case 'zstd':
      return { codec: 'ZSTD', compressors: { ZSTD: zstdCompress }, ready: loadZstd() }
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
  ZSTD: zstdDecompress,
}
