import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  addHistoryKeys,
  addMissingKeys,
  kindsOf,
  schemaId,
  type SchemaKinds,
  schemaOf,
} from '../../src/bulk/dataset_schema.ts'

const counts = (...types: string[]) => ({ typeCounts: types.map((type) => ({ type, count: 1 })) })

test('the dataset schema is the union of every run, widened across runs, _step first', () => {
  const kinds: SchemaKinds = {}
  addHistoryKeys(kinds, {
    loss: counts('number'),
    phase: counts('number'),
    _step: counts('number'),
  })
  addHistoryKeys(kinds, { loss: counts('number'), phase: counts('string'), flag: counts('bool') })
  addHistoryKeys(kinds, { gone: counts('nil'), 'val/acc': counts('number') })
  addHistoryKeys(kinds, { gone: counts('string') })
  assert.deepEqual(schemaOf(kinds), {
    columns: ['_step', 'flag', 'gone', 'loss', 'phase', 'val/acc'],
    types: {
      _step: 'int',
      flag: 'bool',
      gone: 'string',
      loss: 'double',
      phase: 'json',
      'val/acc': 'double',
    },
  })
})

test('it never shrinks, selected keys bring their leaves, and the id follows columns and types', () => {
  const previous = { columns: ['_step', 'old'], types: { _step: 'int', old: 'double' } } as const
  const kinds = kindsOf({ columns: [...previous.columns], types: { ...previous.types } })
  addHistoryKeys(kinds, { 'eval.a': counts('number'), other: counts('number') }, ['eval', 'none'])
  addMissingKeys(kinds, ['eval', 'none'])
  const schema = schemaOf(kinds)
  assert.deepEqual(schema.columns, ['_step', 'eval.a', 'none', 'old'])
  assert.equal(schemaId(schema), schemaId(schemaOf(kindsOf(schema))))
  assert.notEqual(
    schemaId(schema),
    schemaId({ ...schema, types: { ...schema.types, old: 'json' } }),
  )
})
