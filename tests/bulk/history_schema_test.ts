import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HistorySlice } from '../../src/api/history/history_slice.ts'
import { fitRows, historySchema, sliceFits, typeFromCounts } from '../../src/bulk/history_schema.ts'

const counts = (...types: string[]) => types.map((type) => ({ type, count: 1 }))

test('typeFromCounts maps W&B type counts to column types; nil-only is double', () => {
  assert.equal(typeFromCounts(counts('number')), 'double')
  assert.equal(typeFromCounts(counts('number', 'nil')), 'double')
  assert.equal(typeFromCounts(counts('string')), 'string')
  assert.equal(typeFromCounts(counts('bool')), 'bool')
  assert.equal(typeFromCounts(counts('number', 'string')), 'json')
  assert.equal(typeFromCounts(counts('histogram')), 'json')
  assert.equal(typeFromCounts(counts('nil')), 'double')
  assert.equal(typeFromCounts(undefined), 'double')
})

const keys = {
  _step: { typeCounts: counts('number') },
  'eval.acc': { typeCounts: counts('number') },
  'eval.name': { typeCounts: counts('string') },
  Loss: { typeCounts: counts('number') },
  loss: { typeCounts: counts('number') },
}

test('historySchema puts _step first and the keys in code-point order', () => {
  assert.deepEqual(historySchema(keys), {
    columns: ['_step', 'Loss', 'eval.acc', 'eval.name', 'loss'],
    types: {
      _step: 'int',
      Loss: 'double',
      'eval.acc': 'double',
      'eval.name': 'string',
      loss: 'double',
    },
  })
})

test('historySchema with selected keys expands a nested key to its leaves and keeps unknown keys', () => {
  const schema = historySchema(keys, ['eval', 'loss', '_step', 'loss', 'unseen'])
  assert.deepEqual(schema.columns, ['_step', 'eval.acc', 'eval.name', 'loss', 'unseen'])
  assert.equal(schema.types.unseen, 'double')
})

test('fitRows flattens rows and names a column that drifts from the schema', () => {
  const schema = historySchema(keys)
  assert.deepEqual(fitRows([{ _step: 0, eval: { acc: 0.5 } }], schema).map((r) => ({ ...r })), [{
    _step: 0,
    'eval.acc': 0.5,
  }])
  assert.throws(() => fitRows([{ _step: 1, extra: 1 }], schema), {
    name: 'SchemaDriftError',
    message: 'column "extra" is not declared, unlike the declared columns (historyKeys)',
  })
  assert.throws(() => fitRows([{ _step: 1, loss: 'high' }], schema), {
    name: 'SchemaDriftError',
    message: /^column "loss" holds a string value where double was declared/,
  })
})

test('sliceFits takes a slice of declared, flat-named columns of fitting cells, and nothing else', () => {
  const schema = historySchema({
    loss: { typeCounts: [{ type: 'number', count: 3 }] },
    phase: { typeCounts: [{ type: 'string', count: 3 }] },
    done: { typeCounts: [{ type: 'boolean', count: 3 }] },
    'eval.score': { typeCounts: [{ type: 'number', count: 3 }] },
    eval: { typeCounts: [{ type: 'number', count: 3 }] },
  })
  const slice = (names: string[], ...columns: unknown[][]) =>
    new HistorySlice(names, [[0n, 1n, 2n], ...columns], [0n, 1n, 2n], 0, 3)
  const fits = (names: string[], ...columns: unknown[][]) =>
    sliceFits(slice(['_step', ...names], ...columns), schema)
  assert.equal(
    fits(['loss', 'phase', 'done'], [1, null, 2n], ['a', null, ''], [true, null, false]),
    true,
  )
  assert.equal(fits(['eval.score'], [1, 2, 3]), true)
  assert.equal(fits(['other'], [1, 2, 3]), false, 'a column outside the schema')
  assert.equal(fits(['loss'], [1, 'x', 3]), false, 'text in a number column')
  assert.equal(fits(['phase'], ['{"a":1}', null, null]), false, 'JSON text, an object as a row')
  assert.equal(fits(['phase'], ['[1]', null, null]), false, 'JSON text, a list as a row')
  assert.equal(fits(['loss'], [new Date(0), null, null]), false, 'a cell that is not JSON-like')
  assert.equal(fits(['eval', 'eval.score'], [1, null, null], [null, 2, null]), false, 'a prefix')
})
