import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  columnPath,
  jsonValue,
  rowFromLive,
  rowFromParquet,
  rowsFromColumns,
  sortByStep,
  stepOf,
} from '../../../src/api/history/history_row.ts'

test('stepOf reads a finite numeric _step only', () => {
  assert.equal(stepOf({ _step: 3 }), 3)
  assert.equal(stepOf({ _step: 2.5 }), 2.5)
  assert.equal(stepOf({ _step: '3' }), undefined)
  assert.equal(stepOf({ _step: NaN }), undefined)
  assert.equal(stepOf({}), undefined)
})

test('jsonValue makes decoded Parquet values JSON-like', () => {
  assert.equal(jsonValue(12n), 12)
  assert.equal(jsonValue(new Date(1500)), 1.5)
  assert.equal(jsonValue(new Uint8Array([104, 105])), 'aGk=')
  assert.deepEqual(jsonValue(new Float32Array([0.5, 2])), [0.5, 2])
  assert.deepEqual(jsonValue({ a: 1n, b: undefined, c: [null, 2n] }), { a: 1, c: [null, 2] })
  assert.equal(jsonValue(undefined), null)
})

test('columnPath splits flattened names at unescaped dots', () => {
  assert.deepEqual(columnPath('loss'), ['loss'])
  assert.deepEqual(columnPath('eval.acc.top1'), ['eval', 'acc', 'top1'])
  assert.deepEqual(columnPath('lr\\.0.x'), ['lr.0', 'x'])
})

test('rowFromParquet drops nulls, nests columns, decodes JSON text and truncates the step', () => {
  const row = rowFromParquet({
    _step: 4.7,
    loss: 0.5,
    gone: null,
    'eval.acc': 0.9,
    'eval.n': 3n,
    table: '{"_type":"table","rows":[[1]]}',
    text: '[not json',
    plain: 'hello',
  })
  assert.deepEqual(row, {
    _step: 4,
    loss: 0.5,
    eval: { acc: 0.9, n: 3 },
    table: { _type: 'table', rows: [[1]] },
    text: '[not json',
    plain: 'hello',
  })
  assert.equal(rowFromParquet({ loss: 1 }), undefined)
})

test('rowFromParquet keeps a column whose parent is a value under its own name', () => {
  assert.deepEqual(rowFromParquet({ _step: 0, a: 1, 'a.b': 2 }), { _step: 0, a: 1, 'a.b': 2 })
  const proto = rowFromParquet(JSON.parse('{"_step":0,"__proto__":{"x":1}}'))!
  assert.ok(Object.hasOwn(proto, '__proto__'))
  assert.deepEqual(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value, { x: 1 })
  assert.equal(Object.getPrototypeOf(proto), Object.prototype)
})

test('rowsFromColumns builds the same rows column-wise and skips rows without a step', () => {
  const rows = rowsFromColumns(
    ['_step', 'x.y', 'z'],
    [[0, null, 2], [1.5, 2.5, null], [null, 'a', '{"k":1}']],
    3,
  )
  assert.deepEqual(rows, [{ _step: 0, x: { y: 1.5 } }, { _step: 2, z: { k: 1 } }])
  assert.throws(() => rowsFromColumns(['a', 'b'], [[1]], 1), {
    name: 'RangeError',
    message: 'Cannot build history rows: 2 column names but 1 columns',
  })
})

test('rowFromLive drops nulls and rejects a row without a step', () => {
  assert.deepEqual(rowFromLive({ _step: 1, a: null, b: 2 }), { _step: 1, b: 2 })
  assert.equal(rowFromLive({ a: 1 }), undefined)
})

test('sortByStep sorts stably and leaves ordered rows untouched', () => {
  const ordered = [{ _step: 0 }, { _step: 1 }]
  assert.equal(sortByStep(ordered), ordered)
  const rows = [{ _step: 2, k: 'a' }, { _step: 1 }, { _step: 2, k: 'b' }]
  assert.deepEqual(sortByStep(rows), [{ _step: 1 }, { _step: 2, k: 'a' }, { _step: 2, k: 'b' }])
})
