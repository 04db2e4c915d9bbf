import { test } from 'node:test'
import assert from 'node:assert/strict'
import { hasNonFinite, jsonText } from '../../src/export/json_text.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import { fixtureRows } from './_helpers.ts'

test('jsonText writes plain values exactly like JSON.stringify', () => {
  const value = { a: [1, 2.5, 'x', null, true], b: { c: 'null' }, 'ü': -0.001 }
  assert.equal(jsonText(value), JSON.stringify(value))
  assert.equal(jsonText('a "quoted" null'), '"a \\"quoted\\" null"')
})

test('jsonText spells NaN and ±Infinity at any depth by policy', () => {
  const value = { n: NaN, list: [Infinity, null, -Infinity], deep: { x: { y: NaN } } }
  assert.equal(
    jsonText(value, 'string'),
    '{"n":"NaN","list":["Infinity",null,"-Infinity"],"deep":{"x":{"y":"NaN"}}}',
  )
  assert.equal(
    jsonText(value, 'null'),
    '{"n":null,"list":[null,null,null],"deep":{"x":{"y":null}}}',
  )
  const literal = jsonText(value, 'literal')
  assert.equal(literal, '{"n":NaN,"list":[Infinity,null,-Infinity],"deep":{"x":{"y":NaN}}}')
  const back = parseJson(literal) as { n: number; list: number[] }
  assert.ok(Number.isNaN(back.n))
  assert.deepEqual(back.list, [Infinity, null, -Infinity])
})

test('jsonText writes bigint as a JSON number and honours toJSON', () => {
  assert.equal(
    jsonText({ id: 12345678901234567890n, at: new Date(0) }),
    '{"id":12345678901234567890,"at":"1970-01-01T00:00:00.000Z"}',
  )
})

test('jsonText on the real NaN/Infinity fixture rows round-trips through parseJson with literal', () => {
  const rows = fixtureRows('nan_inf')
  assert.equal(rows.length, 20)
  for (const row of rows) {
    const back = parseJson(jsonText(row, 'literal')) as Record<string, number>
    assert.deepEqual(Object.keys(back), Object.keys(row))
    assert.ok(
      Object.is(back['edge/nan_inf'], row['edge/nan_inf']) ||
        back['edge/nan_inf'] === row['edge/nan_inf'],
    )
  }
  assert.equal(jsonText(rows[1]), '{"_step":1,"edge/flat":1.5,"edge/nan_inf":"NaN"}')
  assert.equal(jsonText(rows[3], 'null'), '{"_step":3,"edge/flat":1.5,"edge/nan_inf":null}')
})

test('hasNonFinite finds NaN inside arrays and objects only when present', () => {
  assert.equal(hasNonFinite({ a: [1, { b: 2 }] }), false)
  assert.equal(hasNonFinite({ a: [1, { b: -Infinity }] }), true)
})
