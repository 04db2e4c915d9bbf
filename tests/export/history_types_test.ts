import { test } from 'node:test'
import assert from 'node:assert/strict'
import { historyColumnSchema, kindFromCounts } from '../../src/export/history_types.ts'

const counts = (...types: string[]) => ({ typeCounts: types.map((type) => ({ type, count: 1 })) })

test('historyColumnSchema types each key from historyKeys, _step first, keys in the given order', () => {
  const keys = {
    loss: counts('number'),
    _step: counts('number'),
    note: counts('string'),
    flag: counts('bool'),
    img: counts('image-file'),
    phase: counts('number', 'string'),
    gone: counts('nil'),
  }
  assert.deepEqual(historyColumnSchema({ keys, lastStep: 4 }), {
    columns: ['_step', 'loss', 'note', 'flag', 'img', 'phase', 'gone'],
    types: {
      _step: 'int',
      loss: 'double',
      note: 'string',
      flag: 'bool',
      img: 'json',
      phase: 'json',
      gone: 'double',
    },
  })
})

test('a local run says which number keys held non-integers; the others are int', () => {
  const keys = { loss: counts('number'), count: counts('number') }
  assert.deepEqual(historyColumnSchema(keys, new Set(['loss']))!.types, {
    _step: 'int',
    loss: 'double',
    count: 'int',
  })
  assert.equal(historyColumnSchema({ keys: {} }), undefined)
  assert.equal(historyColumnSchema(null), undefined)
  assert.equal(kindFromCounts([{ type: 'nil', count: 2 }]), 'null')
})
