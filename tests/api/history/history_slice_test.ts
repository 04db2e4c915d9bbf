import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rowsFromColumns } from '../../../src/api/history/history_row.ts'
import { HistorySlice } from '../../../src/api/history/history_slice.ts'
import {
  columnPool,
  GroupLease,
  takeColumnFloats,
} from '../../../src/api/history/decoded_columns.ts'

const names = ['_step', 'loss', 'eval.score', 'media']
const steps = [10n, 11n, 12n, 13n]
const data = [steps, [0.5, null, 0.25, 1], [null, 2, null, 3], [null, null, '{"a":1}', 'x']]

test('a HistorySlice gives the rows rowsFromColumns would, its steps, and sub-slices', () => {
  const slice = new HistorySlice(names, data, steps, 1, 3)
  assert.equal(slice.length, 3)
  assert.equal(slice.firstStep, 11)
  assert.equal(slice.lastStep, 13)
  assert.deepEqual(slice.rows(), rowsFromColumns(names, data, 3, 1))
  assert.deepEqual(slice.rows()[1], { _step: 12, loss: 0.25, media: { a: 1 } })
  assert.deepEqual(slice.row(0), { _step: 11, eval: { score: 2 } })
  const tail = slice.slice(1)
  assert.deepEqual([tail.start, tail.length, tail.firstStep], [2, 2, 12])
  assert.deepEqual(slice.slice(0, 1).rows(), [slice.row(0)])
  assert.equal(slice.slice(2, 10).length, 1, 'the end is clamped')
})

test('a HistorySlice holds its group until released, each sub-slice once, and refuses use after release', () => {
  columnPool.empty()
  const loss = takeColumnFloats(4_096).fill(0.5)
  const steps = Float64Array.from({ length: 4_096 }, (_, i) => i)
  const lease = new GroupLease([loss.buffer as ArrayBuffer])
  lease.hold() // the slice's hold, as the step source adds it
  const slice = new HistorySlice(['_step', 'loss'], [steps, loss], steps, 0, 4_096, lease)
  lease.letGo() // the source is done with the group
  const head = slice.slice(0, 10)
  const tail = slice.slice(10)
  slice.release()
  slice.release() // once only
  assert.equal(lease.holders, 2)
  assert.throws(() => slice.rows(), /Cannot read the rows of a history slice after its release/)
  assert.throws(() => slice.slice(1), /Cannot slice a history slice after its release/)
  assert.deepEqual(head.row(9), { _step: 9, loss: 0.5 })
  head.release()
  assert.equal(columnPool.bytes, 0, 'the tail still reads the group')
  assert.equal(tail.rows().length, 4_086)
  tail.release()
  assert.equal(lease.holders, 0)
  assert.equal(columnPool.bytes, 32_768)
})
