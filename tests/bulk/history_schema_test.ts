import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fitRows, historySchema, typeFromCounts } from '../../src/bulk/history_schema.ts'

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
