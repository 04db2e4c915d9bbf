import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  COLUMN_POOL_BYTES,
  columnPool,
  GroupLease,
  takeColumnFloats,
} from '../../../src/api/history/decoded_columns.ts'

test('decoded columns come in size classes, so a group of nearby size takes the same buffer', () => {
  columnPool.empty()
  const column = takeColumnFloats(10_000)
  assert.equal(column.length, 10_000)
  assert.equal(column.buffer.byteLength, 81_920, '80,000 bytes round up to 5 x 16 KiB')
  columnPool.giveBack(column.buffer as ArrayBuffer)
  const next = takeColumnFloats(9_900)
  assert.equal(next.buffer, column.buffer)
  assert.equal(next.length, 9_900)
  assert.equal(columnPool.bytes, 0)
  assert.ok(COLUMN_POOL_BYTES >= 20 * 20 * 81_920, 'twenty groups of 20 such columns fit')
})

test('a GroupLease gives its buffers back when the last holder lets go, not before', () => {
  columnPool.empty()
  const a = takeColumnFloats(4_096)
  const b = takeColumnFloats(4_096)
  const lease = new GroupLease([a.buffer as ArrayBuffer, b.buffer as ArrayBuffer])
  lease.hold() // a slice
  lease.hold() // another
  lease.letGo() // the decoder's own hold
  lease.letGo()
  assert.equal(lease.holders, 1)
  assert.equal(columnPool.bytes, 0, 'one slice still reads them')
  lease.letGo()
  assert.equal(lease.holders, 0)
  assert.equal(columnPool.bytes, 2 * 32_768)
  assert.equal(takeColumnFloats(4_096).buffer === a.buffer, false, 'the last given back first')
  assert.equal(takeColumnFloats(4_096).buffer, a.buffer)
})

test('a GroupLease refuses a hold after its buffers went back, and one let-go too many', () => {
  columnPool.empty()
  const lease = new GroupLease([takeColumnFloats(2_048).buffer as ArrayBuffer])
  lease.letGo()
  assert.throws(() => lease.hold(), /Cannot hold a decoded row group that was already given back/)
  assert.throws(() => lease.letGo(), /more often than it was held/)
  assert.equal(columnPool.bytes, 16_384, 'given back once')
})
