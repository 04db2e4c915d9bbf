import { test } from 'node:test'
import assert from 'node:assert/strict'
import { csvField, csvHeader, csvQuote, csvRecords } from '../../src/export/csv_text.ts'
import { setFloatKeys } from '../../src/row_floats.ts'

test('csvQuote quotes only what RFC 4180 requires, and always the empty string', () => {
  assert.equal(csvQuote('plain'), 'plain')
  assert.equal(csvQuote(''), '""')
  assert.equal(csvQuote('a,b'), '"a,b"')
  assert.equal(csvQuote('say "hi"'), '"say ""hi"""')
  assert.equal(csvQuote('two\nlines'), '"two\nlines"')
  assert.equal(csvQuote('cr\r'), '"cr\r"')
})

test('csvField spells every value kind', () => {
  assert.equal(csvField(0.1), '0.1')
  assert.equal(csvField(-0), '-0')
  assert.equal(csvField(NaN), 'NaN')
  assert.equal(csvField(Infinity), 'Infinity')
  assert.equal(csvField(-Infinity, 'inf'), '-inf')
  assert.equal(csvField(true), 'true')
  assert.equal(csvField(10n), '10')
  assert.equal(csvField(null), '')
  assert.equal(csvField(undefined), '')
  assert.equal(csvField({ a: [1, NaN] }), '"{""a"":[1,""NaN""]}"')
})

test('csvHeader quotes names and ends with the given line end', () => {
  assert.equal(csvHeader(['_step', 'a,b', 'c'], '\r\n'), '_step,"a,b",c\r\n')
})

test('csvRecords writes rows in or out of column order, gaps empty, floats as floats', () => {
  const names = ['_step', 'loss', 'acc']
  const floaty = { _step: 2, loss: 1, acc: 3 }
  setFloatKeys(floaty, ['acc'])
  const rows = [
    { _step: 0, loss: 0.5 },
    { acc: 'x,y', _step: 1 },
    floaty,
    { _step: 3, other: 9 },
  ]
  const text = csvRecords(rows, names, 0, rows.length, '\n', 'Infinity', [false, true, false])
  assert.equal(text, '0,0.5,\n1,,"x,y"\n2,1.0,3.0\n3,,\n')
  assert.equal(csvRecords(rows, names, 1, 2, '\n', 'Infinity'), '1,,"x,y"\n')
})

test('csvRecords writes a lone empty field as "" so the record is not a blank line', () => {
  assert.equal(csvRecords([{}, { a: 1 }], ['a'], 0, 2, '\n', 'inf'), '""\n1\n')
})
