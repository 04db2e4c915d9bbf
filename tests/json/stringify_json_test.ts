import { test } from 'node:test'
import assert from 'node:assert/strict'
import { stringifyJson } from '../../src/json/stringify_json.ts'
import { parseJson } from '../../src/json/parse_json.ts'

const value = { a: NaN, b: [Infinity, -Infinity, 1.5], c: { d: 'NaN' } }

test('stringifyJson writes non-finite numbers as strings by default', () => {
  assert.equal(stringifyJson(value), '{"a":"NaN","b":["Infinity","-Infinity",1.5],"c":{"d":"NaN"}}')
})

test('stringifyJson writes null for non-finite numbers with nan: null', () => {
  assert.equal(
    stringifyJson(value, { nan: 'null' }),
    '{"a":null,"b":[null,null,1.5],"c":{"d":"NaN"}}',
  )
})

test('stringifyJson writes bare tokens with nan: literal, and parseJson reads them back', () => {
  const text = stringifyJson(value, { nan: 'literal' })
  assert.equal(text, '{"a":NaN,"b":[Infinity,-Infinity,1.5],"c":{"d":"NaN"}}')
  const back = parseJson(text) as typeof value
  assert.ok(Number.isNaN(back.a))
  assert.deepEqual(back.b, [Infinity, -Infinity, 1.5])
  assert.equal(back.c.d, 'NaN')
})

test('stringifyJson indents when asked', () => {
  assert.equal(stringifyJson({ x: 1 }, { indent: 2 }), '{\n  "x": 1\n}')
})
