import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { type AsyncBuffer, parquetMetadata } from 'hyparquet'
import { decodeColumns, gatherColumn, rowsOfGroup } from '../../../src/api/history/decode_group.ts'
import { columnPool } from '../../../src/api/history/decoded_columns.ts'

/** A file of 3,000 rows in one group: INT64 steps, a dense double, a sparse double, text; columns in the order `b, _step, a, note`. */
function sampleFile() {
  const rows = 3000
  const bytes = parquetWriteBuffer({
    rowGroupSize: rows,
    columnData: [
      {
        name: 'b',
        data: Array.from({ length: rows }, (_, i) => i % 2 ? null : i / 2),
        type: 'DOUBLE',
      },
      {
        name: '_step',
        data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(rows - 1 - i)),
        type: 'INT64',
      },
      {
        name: 'a',
        data: Array.from({ length: rows }, (_, i) => i * 0.5),
        type: 'DOUBLE',
        nullable: true,
      },
      {
        name: 'note',
        data: Array.from({ length: rows }, (_, i) => i % 1000 ? null : `n${i}`),
        type: 'STRING',
      },
    ],
  })
  const file: AsyncBuffer = { byteLength: bytes.byteLength, slice: (s, e) => bytes.slice(s, e) }
  return { file, metadata: parquetMetadata(bytes), names: ['b', '_step', 'a', 'note'], rows }
}

test('decodeColumns reads the chosen columns in schema order, the dense double unboxed in leased memory', async () => {
  const { file, metadata, names, rows } = sampleFile()
  const group = await decodeColumns({ file, metadata, names }, 0, rows, ['_step', 'a', 'note'])
  assert.deepEqual(group.names, ['_step', 'a', 'note'], 'schema order, b left out')
  assert.equal(group.length, rows)
  const [steps, a, note] = group.data
  assert.equal(steps[0], 2999n, 'INT64 as bigint')
  assert.ok(a instanceof Float64Array, 'the dense double is unboxed')
  assert.equal(a[2999], 1499.5)
  assert.deepEqual([note[0], note[1], note[1000]], ['n0', null, 'n1000'])
  assert.deepEqual(group.lease?.buffers, [a.buffer], 'its memory is leased from the pool')
  // Rows come step-sorted, and making them lets go of the group: its buffer goes back to the pool.
  const before = columnPool.bytes
  const made = rowsOfGroup(group)
  assert.deepEqual(made.slice(0, 2), [{ _step: 0, a: 1499.5 }, { _step: 1, a: 1499 }])
  assert.deepEqual(made[2999], { _step: 2999, a: 0, note: 'n0' })
  assert.equal(group.lease?.holders, 0)
  assert.ok(columnPool.bytes > before, 'the buffer went back')
  columnPool.empty()
})

test('decodeColumns of part of a group goes through hyparquet, with nulls where the sparse column has none', async () => {
  const { file, metadata, names } = sampleFile()
  const group = await decodeColumns({ file, metadata, names }, 10, 14)
  assert.deepEqual(group.names, names)
  assert.equal(group.lease, undefined, 'nothing pooled')
  assert.deepEqual(Array.from(group.data[0]), [5, null, 6, null])
  assert.deepEqual(Array.from(group.data[2]), [5, 5.5, 6, 6.5])
})

test('gatherColumn returns one exact chunk as is, else copies the covered rows', () => {
  const chunk = { start: 10, data: [1, 2, 3] }
  assert.equal(gatherColumn([chunk], 10, 13), chunk.data, 'no copy for an exact chunk')
  assert.deepEqual(gatherColumn([chunk], 11, 13), [2, 3])
  assert.deepEqual(
    gatherColumn([{ start: 0, data: ['a', 'b'] }, { start: 2, data: ['c', 'd'] }], 1, 4),
    ['b', 'c', 'd'],
  )
  const gap = gatherColumn([{ start: 5, data: [7] }], 4, 6)
  assert.deepEqual(
    [gap.length, gap[0], gap[1]],
    [2, undefined, 7],
    'an uncovered row stays undefined',
  )
})
