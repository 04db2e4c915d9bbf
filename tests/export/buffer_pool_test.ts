import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  BufferPool,
  emptyPool,
  giveBack,
  MIN_POOLED,
  POOL_BYTES,
  pooledBytes,
  takeBuffer,
  takeFloats,
  takeZeroedBytes,
} from '../../src/export/buffer_pool.ts'
import { toParquet } from '../../src/export/parquet.ts'
import { spoolDecompressors } from '../../src/export/parquet_codec.ts'
import type { Row } from '../../src/row.ts'
import { parquetReadObjects } from 'hyparquet'
import { exportBytes } from './_helpers.ts'

test('a buffer given back is taken again by its exact size, once', () => {
  emptyPool()
  const first = takeBuffer(64 << 10)
  assert.equal(first.byteLength, 64 << 10)
  giveBack(new Uint8Array(first))
  giveBack(first) // the same buffer twice: held once
  assert.equal(pooledBytes(), 64 << 10)
  assert.notEqual(takeBuffer(32 << 10), first, 'another size: a new buffer')
  assert.equal(takeBuffer(64 << 10), first)
  assert.notEqual(takeBuffer(64 << 10), first, 'taken already')
  assert.equal(pooledBytes(), 0)
})

test('the pool keeps whole, big enough buffers, up to POOL_BYTES', () => {
  emptyPool()
  giveBack(new ArrayBuffer(MIN_POOLED - 1))
  giveBack(new Uint8Array(new ArrayBuffer(1 << 20), 0, 1 << 19)) // part of a buffer
  giveBack(new ArrayBuffer(1 << 20, { maxByteLength: 2 << 20 })) // growable
  const detached = new ArrayBuffer(1 << 20)
  structuredClone(detached, { transfer: [detached] })
  giveBack(detached)
  assert.equal(pooledBytes(), 0)
  const size = 4 << 20
  for (let i = 0; i < POOL_BYTES / size + 3; i++) giveBack(new ArrayBuffer(size))
  assert.equal(pooledBytes(), POOL_BYTES)
  emptyPool()
  assert.equal(pooledBytes(), 0)
})

test('floats and zeroed bytes over pooled memory: the bytes start at zero however they were left', () => {
  emptyPool()
  const dirty = new Uint8Array(takeBuffer(1 << 16)).fill(7)
  giveBack(dirty)
  const flags = takeZeroedBytes(1 << 16)
  assert.equal(flags.buffer, dirty.buffer)
  assert.equal(flags.indexOf(7), -1)
  giveBack(flags)
  const nums = takeFloats(1 << 13)
  assert.equal(nums.buffer, dirty.buffer)
  assert.equal(nums.length, 1 << 13)
})

test('a pool with size classes rounds up to four classes per power of two, and perturbs on request', () => {
  const pool = new BufferPool({ maxBytes: 1 << 20, sizeClasses: true })
  assert.deepEqual(
    [MIN_POOLED - 1, MIN_POOLED, 80_000, 81_920, 81_921, 1 << 17].map((n) => pool.sizeFor(n)),
    [MIN_POOLED - 1, MIN_POOLED, 81_920, 81_920, 98_304, 1 << 17],
  )
  const exact = new BufferPool({ maxBytes: 1 << 20 })
  assert.equal(exact.sizeFor(80_000), 80_000)
  const buffer = pool.take(70_000)
  assert.equal(buffer.byteLength, 81_920)
  new Float64Array(buffer).fill(1.5)
  pool.perturb = true
  pool.giveBack(buffer)
  assert.equal(pool.bytes, 81_920)
  const again = new Float64Array(pool.take(81_000))
  assert.equal(again.buffer, buffer)
  assert.ok(again.every((x) => Number.isNaN(x)), 'every double a NaN after its give-back')
})

/** `n` rows of `_step` and two metrics, `loss` missing on every `gap`-th row when `gap` is set. */
function history(n: number, scale: number, gap?: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const row: Row = { _step: i, acc: (i % 97) * scale }
    if (gap === undefined || i % gap !== 0) row.loss = 1 / (i + 1) + scale
    return row
  })
}

test('a file written over the buffers an earlier file gave back has the bytes it has over new ones', async () => {
  const write = (rows: Row[]) =>
    exportBytes(
      toParquet({
        columns: ['_step', 'acc', 'loss'],
        types: { _step: 'int', acc: 'double', loss: 'double' },
        codec: 'zstd',
        rowGroupSize: 20_000,
      }),
      [rows.slice(0, 5_000), rows.slice(5_000)],
    )
  // The second file has nulls where the first had values, and fewer rows.
  const second = history(30_000, 0.5, 3)
  emptyPool()
  const fresh = await write(second)
  emptyPool()
  await write(history(50_000, 2))
  const pooled = pooledBytes()
  assert.ok(pooled >= 20_000 * 9 * 3, `the first file gave its buffers back: ${pooled} bytes`)
  const reused = await write(second)
  assert.deepEqual(reused, fresh)
  const file = reused.buffer.slice(reused.byteOffset, reused.byteOffset + reused.byteLength)
  const rows = await parquetReadObjects({
    file: file as ArrayBuffer,
    columns: ['loss'],
    compressors: spoolDecompressors,
  })
  assert.equal(rows.length, 30_000)
  assert.equal(rows[0].loss, null)
  assert.equal(rows[1].loss, 1 / 2 + 0.5)
  assert.equal(rows.filter((r) => r.loss === null).length, 10_000)
})
