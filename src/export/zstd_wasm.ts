/**
 * zstd pages from libzstd 1.5.7 compiled to WebAssembly by `scripts/zstd_wasm/build.sh`: the same
 * bytes on Deno, Bun and Node (the runtimes' own libzstd builds differ), and the bytes
 * `@bokuweb/zstd-wasm` 0.0.27 wrote before it, 15–17% faster on Deno and Node and about as fast on
 * Bun (`bench/zstd_wasm.bench.ts`). The module has no imports; each compressor instantiates it and
 * keeps one compression context in it.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { ZSTD_WASM_BASE64 } from './zstd_wasm_module.ts'

/** Compresses one page into one zstd frame. */
export interface ZstdCompress {
  /** The frame, in an array of its own. */
  (input: Uint8Array): Uint8Array
  /**
   * The frame as a view of the compressor's WebAssembly memory, valid only until its next call:
   * for a caller that copies it at once, so no array is made for every page.
   */
  view(input: Uint8Array): Uint8Array
}

interface ZstdExports {
  memory: WebAssembly.Memory
  wbx_zstd_init(level: number): number
  wbx_zstd_input(size: number): number
  wbx_zstd_compress(): number
  wbx_zstd_output(): number
}

let compiled: WebAssembly.Module | undefined

/**
 * A compressor at `level` with a context of its own (level 3 or lower: the module keeps only the
 * fast and double-fast block compressors). Each frame is what `ZSTD_compressCCtx` writes: content
 * size in the header, no checksum, the same bytes as a fresh `ZSTD_compress`.
 */
export function zstdCompressor(level: number): ZstdCompress {
  if (!Number.isInteger(level) || level > 3) {
    throw new RangeError(
      `Cannot compress zstd at level ${level}: this build writes levels 3 and below`,
    )
  }
  compiled ??= new WebAssembly.Module(Buffer.from(ZSTD_WASM_BASE64, 'base64'))
  const wasm = new WebAssembly.Instance(compiled, {}).exports as unknown as ZstdExports
  if (!wasm.wbx_zstd_init(level)) {
    throw new Error(`zstd could not make a level-${level} context in its WebAssembly memory`)
  }
  const view = (input: Uint8Array): Uint8Array => {
    const at = wasm.wbx_zstd_input(input.length)
    if (at === 0) {
      throw new Error(
        `zstd could not fit a page of ${input.length} bytes in its WebAssembly memory; write smaller pages or use codec "snappy"`,
      )
    }
    new Uint8Array(wasm.memory.buffer, at, input.length).set(input)
    const size = wasm.wbx_zstd_compress()
    if (size < 0) {
      throw new Error(
        `zstd failed on a page of ${input.length} bytes (libzstd error code ${-size}); write with codec "snappy" instead`,
      )
    }
    return new Uint8Array(wasm.memory.buffer, wasm.wbx_zstd_output(), size)
  }
  return Object.assign((input: Uint8Array) => view(input).slice(), { view })
}
