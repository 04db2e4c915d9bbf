import { test } from 'node:test'
import assert from 'node:assert/strict'
import { flattenRow, isSplittable } from '../../src/export/flatten.ts'
import { fixtureRows } from './_helpers.ts'

test('flattenRow turns nested objects into dotted keys in place order', () => {
  const row = { _step: 3, a: { b: 1, c: { d: 'x' } }, z: 2 }
  const flat = flattenRow(row)
  assert.deepEqual(Object.keys(flat), ['_step', 'a.b', 'a.c.d', 'z'])
  assert.deepEqual({ ...flat }, { _step: 3, 'a.b': 1, 'a.c.d': 'x', z: 2 })
})

test('flattenRow keeps media objects with _type, arrays and empty objects whole', () => {
  const media = fixtureRows('media')[0]
  const flat = flattenRow({ ...media, list: [1, { a: 2 }], empty: {} })
  assert.deepEqual(Object.keys(flat), [
    '_step',
    'samples',
    'gallery',
    'train/loss',
    'list',
    'empty',
  ])
  assert.equal((flat.samples as { _type: string })._type, 'image-file')
  assert.equal((flat.gallery as { count: number }).count, 2)
  assert.deepEqual(flat.empty, {})
})

test('flattenRow returns the same row object when nothing is nested', () => {
  const row = { _step: 1, loss: 0.5, tags: ['a'] }
  assert.equal(flattenRow(row), row)
})

test('flattenRow keeps a __proto__ key as data', () => {
  const nested = JSON.parse('{"__proto__": {"x": 1}, "n": {"m": 2}}')
  const flat = flattenRow(nested)
  assert.deepEqual(Object.keys(flat), ['__proto__.x', 'n.m'])
  assert.equal(isSplittable(new Date()), false)
})
