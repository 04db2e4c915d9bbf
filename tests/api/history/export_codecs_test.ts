import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as zlib from 'node:zlib'
import { snappyCompressor } from 'hysnappy'
import { exportDecompressors } from '../../../src/api/history/export_codecs.ts'

const text = new TextEncoder().encode('wbx history export '.repeat(50))

test('exportDecompressors inflates GZIP and BROTLI pages to the original bytes', () => {
  const codecs = exportDecompressors()
  const gz = codecs.GZIP!(new Uint8Array(zlib.gzipSync(text)), text.length)
  const br = codecs.BROTLI!(new Uint8Array(zlib.brotliCompressSync(text)), text.length)
  assert.ok(gz instanceof Uint8Array && br instanceof Uint8Array)
  assert.deepEqual(gz, text)
  assert.deepEqual(br, text)
})

test('exportDecompressors offers ZSTD exactly when node:zlib has it', () => {
  const z = zlib as unknown as {
    zstdCompressSync?: (b: Uint8Array) => Uint8Array
    zstdDecompressSync?: unknown
  }
  const codecs = exportDecompressors()
  assert.equal('ZSTD' in codecs, typeof z.zstdDecompressSync === 'function')
  if (codecs.ZSTD && z.zstdCompressSync) {
    assert.deepEqual(codecs.ZSTD(new Uint8Array(z.zstdCompressSync(text)), text.length), text)
  }
})

test('a corrupt GZIP page throws instead of returning garbage', () => {
  assert.throws(() => exportDecompressors().GZIP!(new Uint8Array([1, 2, 3, 4]), 10))
})

test('exportDecompressors reads SNAPPY with hysnappy’s WebAssembly, byte for byte, and refuses corrupt pages', () => {
  const codecs = exportDecompressors()
  assert.ok(codecs.SNAPPY, 'the WebAssembly snappy loads on this runtime')
  const page = snappyCompressor()(text)
  assert.ok(page.length < text.length)
  assert.deepEqual(codecs.SNAPPY(page, text.length), text)
  // two pages in a row: each answer is its own copy, not a view the next call overwrites
  const other = new TextEncoder().encode('another page '.repeat(40))
  const first = codecs.SNAPPY(page, text.length)
  codecs.SNAPPY(snappyCompressor()(other), other.length)
  assert.deepEqual(first, text)
  assert.throws(() => codecs.SNAPPY!(new Uint8Array([200, 1, 2]), 200))
})
