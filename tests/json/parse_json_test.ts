import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseJson } from '../../src/json/parse_json.ts'

test('parseJson reads plain JSON with the fast path', () => {
  assert.deepEqual(parseJson('{"a":[1,2.5,"x",null,true]}'), { a: [1, 2.5, 'x', null, true] })
})

test('parseJson accepts bare NaN and ±Infinity outside strings', () => {
  const v = parseJson('{"a": NaN, "b": [Infinity, -Infinity], "s": "NaN Infinity"}') as {
    a: number
    b: number[]
    s: string
  }
  assert.ok(Number.isNaN(v.a))
  assert.deepEqual(v.b, [Infinity, -Infinity])
  assert.equal(v.s, 'NaN Infinity')
  assert.ok(Number.isNaN(parseJson('NaN') as number))
})

test('parseJson keeps a __proto__ key as data', () => {
  const v = parseJson('{"__proto__": {"x": 1}, "n": NaN}') as Record<string, unknown>
  assert.deepEqual(Object.keys(v), ['__proto__', 'n'])
  assert.equal(Object.getPrototypeOf(v), Object.prototype)
})

test('parseJson rejects invalid text with a SyntaxError naming the position', () => {
  assert.throws(() => parseJson('{"a": NaN,}'), SyntaxError)
  assert.throws(() => parseJson('[NaN'), /position/)
})
