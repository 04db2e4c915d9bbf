import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkColumnType, kindOf, widenKind } from '../../src/export/column_kind.ts'

test('kindOf separates integers, doubles, booleans, strings and JSON values', () => {
  assert.equal(kindOf(5), 'int')
  assert.equal(kindOf(5.5), 'double')
  assert.equal(kindOf(-0), 'double')
  assert.equal(kindOf(NaN), 'double')
  assert.equal(kindOf(2 ** 60), 'double')
  assert.equal(kindOf(12n), 'int')
  assert.equal(kindOf(true), 'bool')
  assert.equal(kindOf('x'), 'string')
  assert.equal(kindOf({ _type: 'image-file' }), 'json')
  assert.equal(kindOf([1]), 'json')
  assert.equal(kindOf(null), 'null')
  assert.equal(kindOf(undefined), 'null')
})

test('widenKind follows the lattice: int to double, every other mix to json', () => {
  assert.equal(widenKind('null', 'int'), 'int')
  assert.equal(widenKind('int', 'double'), 'double')
  assert.equal(widenKind('double', 'int'), 'double')
  assert.equal(widenKind('int', 'null'), 'int')
  assert.equal(widenKind('int', 'string'), 'json')
  assert.equal(widenKind('bool', 'int'), 'json')
  assert.equal(widenKind('string', 'json'), 'json')
  assert.equal(widenKind('string', 'string'), 'string')
})

test('checkColumnType rejects an unknown type with a RangeError naming the column', () => {
  assert.equal(checkColumnType('loss', 'double'), 'double')
  assert.throws(() => checkColumnType('loss', 'float'), (err: Error) => {
    return err instanceof RangeError && err.message.includes('"loss"') &&
      err.message.includes('"float"')
  })
})
