import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { GroupColumn } from '../../src/export/parquet_group.ts'
import {
  groupColumns,
  type GroupJob,
  jobBuffers,
  jobColumns,
  ownColumns,
} from '../../src/export/parquet_group_job.ts'

/** A number column over storage longer than the group (as the builder reuses it). */
function numberColumn(int: boolean): GroupColumn {
  const nums = new Float64Array([1, 2, 3, 99, 99])
  const flags = new Uint8Array([1, 0, 1, 1, 1])
  return { name: int ? 'i' : 'x', numeric: { nums, flags, length: 3, int }, data: [] }
}

test('number storage is copied into bare buffers of the job own, the group length long', () => {
  const source = numberColumn(false)
  const { columns, transfer } = jobColumns([source, { name: 's', data: ['a', null, 'c'] }], 3)
  const numeric = columns[0].numeric!
  // Bare ArrayBuffers, not typed arrays: Deno's node:worker_threads walks a message's properties,
  // and a typed array's are its elements.
  assert.ok(numeric.nums instanceof ArrayBuffer && numeric.flags instanceof ArrayBuffer)
  assert.deepEqual(transfer, [numeric.nums, numeric.flags])
  assert.deepEqual([...new Float64Array(numeric.nums)], [1, 2, 3])
  assert.deepEqual([...new Uint8Array(numeric.flags)], [1, 0, 1])
  assert.notEqual(numeric.nums, source.numeric!.nums.buffer)
  // the builder may refill its storage right after: the job keeps the values it was given
  source.numeric!.nums[0] = -1
  assert.equal(new Float64Array(numeric.nums)[0], 1)
  assert.deepEqual(columns[1], { name: 's', statistics: undefined, data: ['a', null, 'c'] })
})

test('a worker rebuilds the columns, with plain number values only when asked', () => {
  const { columns } = jobColumns([numberColumn(true), numberColumn(false)], 3)
  const job: GroupJob = {
    file: 1,
    codecName: 'snappy',
    schema: [],
    statistics: true,
    rows: 3,
    offset: 4,
    columns,
  }
  // As the worker receives it: a structured clone, the buffers moved.
  const [ints, doubles] = groupColumns(structuredClone(job))
  assert.equal(ints.numeric?.int, true)
  assert.deepEqual([...doubles.numeric!.nums], [1, 2, 3])
  assert.deepEqual([...doubles.numeric!.flags], [1, 0, 1])
  assert.equal(doubles.numeric!.length, 3)
  assert.deepEqual(Array.from(ints.data), [1n, null, 3n])
  assert.deepEqual(Array.from(doubles.data), [1, null, 3])
})

test('a number column whose length is not the group length goes as plain values', () => {
  const column = numberColumn(false)
  const { columns, transfer } = jobColumns([{ ...column, data: [7, 8] }], 2)
  assert.equal(transfer.length, 0)
  assert.equal(columns[0].numeric, undefined)
  assert.deepEqual(columns[0].data, [7, 8])
})

test('columns kept for encoding on this thread are copies: refilling the storage leaves them', () => {
  const texts: (string | null)[] = ['a', null, 'c', 'stale']
  const column = numberColumn(false)
  const own = ownColumns([column, { name: 's', data: texts }], 3)
  column.numeric!.nums[0] = 42
  column.numeric!.flags[1] = 1
  texts[0] = 'z'
  assert.deepEqual([...own[0].numeric!.nums], [1, 2, 3])
  assert.deepEqual([...own[0].numeric!.flags], [1, 0, 1])
  assert.deepEqual(Array.from(own[0].data), [1, null, 3])
  assert.deepEqual(own[1].data, ['a', null, 'c'])
})

test('moved number storage goes as its own buffers, detached here; views over part of one are copied', () => {
  const nums = new Float64Array([1, 2, 3])
  const flags = new Uint8Array([1, 0, 1])
  const whole: GroupColumn = {
    name: 'x',
    numeric: { nums, flags, length: 3, int: false },
    data: [],
  }
  const moved = jobColumns([whole], 3, true)
  assert.equal(moved.moved, true)
  assert.equal(moved.columns[0].numeric!.nums, moved.transfer[0])
  const job = { columns: moved.columns, returns: moved.moved } as GroupJob
  assert.deepEqual(jobBuffers(job), moved.transfer)
  assert.deepEqual([...groupColumns(job)[0].numeric!.nums], [1, 2, 3])
  const backing = new Float64Array(8).fill(7)
  const part: GroupColumn = {
    name: 'y',
    numeric: {
      nums: backing.subarray(2, 5),
      flags: new Uint8Array(3).fill(1),
      length: 3,
      int: false,
    },
    data: [],
  }
  const copied = jobColumns([part], 3, true) // a view over part of a buffer: copied, not moved
  assert.equal(copied.moved, false)
  assert.equal(backing.length, 8)
  assert.deepEqual(jobBuffers({ columns: copied.columns, returns: copied.moved } as GroupJob), [])
})
