import { test } from 'node:test'
import assert from 'node:assert/strict'
import { floatKeysOf, floatText, isFloatText, setFloatKeys } from '../src/row_floats.ts'
import { flattenRow } from '../src/export/flatten.ts'

test('float keys ride on a row invisibly: not enumerated, not in JSON, copied by spread and flatten', () => {
  const row: Record<string, unknown> = { _step: 0, loss: 1, eval: { score: 2 } }
  setFloatKeys(row, ['loss', 'eval.score'])
  assert.deepEqual(Object.keys(row), ['_step', 'loss', 'eval'])
  assert.equal(JSON.stringify(row), '{"_step":0,"loss":1,"eval":{"score":2}}')
  assert.deepEqual(floatKeysOf({ ...row }), ['loss', 'eval.score'])
  assert.deepEqual(floatKeysOf(flattenRow(row)), ['loss', 'eval.score'])
  setFloatKeys(row, [])
  assert.deepEqual(floatKeysOf(row), ['loss', 'eval.score'], 'an empty list changes nothing')
  assert.equal(floatKeysOf({ a: 1 }), undefined)
})

test('floatText spells integral numbers as floats and leaves the rest alone', () => {
  assert.equal(floatText(1), '1.0')
  assert.equal(floatText(-0), '-0.0')
  assert.equal(floatText(0.5), '0.5')
  assert.equal(floatText(1e21), '1e+21')
  assert.equal(floatText(NaN), 'NaN')
  assert.equal(isFloatText('1.0'), true)
  assert.equal(isFloatText('2E3'), true)
  assert.equal(isFloatText('12'), false)
})
