import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as zlib from 'node:zlib'
import { snappyUncompress } from 'hyparquet'
import { codecSetup, hasZstd, spoolDecompressors } from '../../src/export/parquet_codec.ts'

const data = new TextEncoder().encode('loss,acc\n'.repeat(200) + 'tail')

test('codecSetup names the Parquet codec for each option', () => {
  assert.equal(codecSetup('snappy').codec, 'SNAPPY')
  assert.equal(codecSetup('gzip').codec, 'GZIP')
  assert.deepEqual(codecSetup('uncompressed'), { codec: 'UNCOMPRESSED', compressors: {} })
})

test('snappy compresses to the same bytes in every new setup and round-trips', () => {
  const a = codecSetup('snappy').compressors.SNAPPY
  if (!a) {
    // hysnappy's WebAssembly did not load here: hyparquet-writer's built-in compressor is used
    assert.deepEqual(codecSetup('snappy').compressors, {})
    return
  }
  const first = a(data)
  a(new TextEncoder().encode('something else entirely, to warm the hash table'))
  const fresh = codecSetup('snappy').compressors.SNAPPY!
  assert.deepEqual(fresh(data), first)
  const out = new Uint8Array(data.length)
  snappyUncompress(first, out)
  assert.deepEqual(out, data)
})

test('gzip (and zstd where available) round-trip through the spool decompressors', () => {
  const gz = codecSetup('gzip').compressors.GZIP!(data)
  assert.deepEqual(new Uint8Array(spoolDecompressors.GZIP!(gz, data.length)), data)
  assert.deepEqual(new Uint8Array(zlib.gunzipSync(gz)), data)
  assert.equal(hasZstd, 'ZSTD' in spoolDecompressors)
  if (hasZstd) {
    const zs = codecSetup('zstd').compressors.ZSTD!(data)
    assert.deepEqual(new Uint8Array(spoolDecompressors.ZSTD!(zs, data.length)), data)
  } else {
    assert.throws(() => codecSetup('zstd'), /no zstdCompressSync/)
  }
})

test('codecSetup names an unknown codec and the choices', () => {
  assert.throws(() => codecSetup('lz4'), {
    name: 'RangeError',
    message:
      'Cannot write Parquet with codec "lz4": use "snappy", "zstd", "gzip" or "uncompressed"',
  })
  assert.throws(() => codecSetup(undefined), /codec undefined: use/)
})
