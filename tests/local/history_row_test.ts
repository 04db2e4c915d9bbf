import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  buildHistoryRow,
  isValidStep,
  parseValueJson,
  setPath,
} from '../../src/local/history_row.ts'
import { HistoryKeyTally, sniffJsonType } from '../../src/local/history_keys.ts'
import type { HistoryRecord } from '../../src/local/record_types.ts'

function rec(items: [string[], string][], step?: number): HistoryRecord {
  return { items: items.map(([path, valueJson]) => ({ path, valueJson })), step }
}

describe('parseValueJson', () => {
  it('parses numbers on the fast path, including exponent forms Go writes', () => {
    assert.equal(parseValueJson('0'), 0)
    assert.equal(parseValueJson('-12.5'), -12.5)
    assert.equal(parseValueJson('1e+06'), 1000000)
    assert.equal(parseValueJson('2.5E-3'), 0.0025)
    assert.ok(Object.is(parseValueJson('-0'), -0))
  })

  it('parses the bare NaN and Infinity tokens', () => {
    assert.ok(Number.isNaN(parseValueJson('NaN')))
    assert.equal(parseValueJson('Infinity'), Infinity)
    assert.equal(parseValueJson('-Infinity'), -Infinity)
  })

  it('parses strings with and without escapes', () => {
    assert.equal(parseValueJson('"adam"'), 'adam')
    assert.equal(parseValueJson('"变形金刚🤖"'), '变形金刚🤖')
    assert.equal(parseValueJson('"a\\"b\\n"'), 'a"b\n')
    assert.equal(parseValueJson('"\\u00e9"'), 'é')
  })

  it('parses literals, arrays and objects (with NaN inside)', () => {
    assert.equal(parseValueJson('true'), true)
    assert.equal(parseValueJson('false'), false)
    assert.equal(parseValueJson('null'), null)
    assert.deepEqual(parseValueJson('[1, "x"]'), [1, 'x'])
    const obj = parseValueJson('{"a": NaN, "b": {"c": 1}}') as Record<string, unknown>
    assert.ok(Number.isNaN(obj.a))
    assert.deepEqual(obj.b, { c: 1 })
  })

  it('keeps text that is not JSON as the raw string instead of throwing', () => {
    assert.equal(parseValueJson('not json'), 'not json')
    assert.equal(parseValueJson(''), '')
    assert.equal(parseValueJson('01'), '01')
  })
})

describe('setPath', () => {
  it('creates intermediate objects and replaces scalars on the way', () => {
    const row: Record<string, unknown> = { a: 5 }
    setPath(row, ['a', 'b', 'c'], 1)
    setPath(row, ['a', 'b', 'd'], 2)
    assert.deepEqual(row, { a: { b: { c: 1, d: 2 } } })
  })

  it('stores __proto__ as data without touching the prototype', () => {
    const row: Record<string, unknown> = {}
    setPath(row, ['__proto__', 'polluted'], true)
    assert.equal(Object.getPrototypeOf(row), Object.prototype)
    assert.deepEqual(Object.keys(row), ['__proto__'])
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
  })
})

describe('buildHistoryRow', () => {
  it('builds nested objects from nested_key leaves (core writer)', () => {
    const r = buildHistoryRow(
      rec([
        [['_step'], '3'],
        [['img', '_type'], '"image-file"'],
        [['img', 'size'], '2396'],
        [['train/loss'], '0.5'],
      ]),
      0,
    )
    assert.deepEqual(r.row, {
      _step: 3,
      img: { _type: 'image-file', size: 2396 },
      'train/loss': 0.5,
    })
    assert.equal(r.step, 3)
    assert.equal(r.stepSource, 'item')
  })

  it('keeps whole-object values of the legacy writer', () => {
    const r = buildHistoryRow(rec([[['d'], '{"x": 1, "y": [2]}'], [['_step'], '0']]), 0)
    assert.deepEqual(r.row, { d: { x: 1, y: [2] }, _step: 0 })
  })

  it('prefers the _step item over the step field', () => {
    const r = buildHistoryRow(rec([[['_step'], '7']], 9), 0)
    assert.equal(r.step, 7)
    assert.equal(r.row._step, 7)
  })

  it('uses the step field when there is no _step item, including an empty step (0)', () => {
    const r = buildHistoryRow(rec([[['x'], '1']], 0), 4)
    assert.deepEqual(r.row, { x: 1, _step: 0 })
    assert.equal(r.stepSource, 'field')
    const r5 = buildHistoryRow(rec([[['x'], '1']], 5), 4)
    assert.equal(r5.step, 5)
  })

  it('synthesizes the row index as _step when the record has no step at all', () => {
    const r = buildHistoryRow(rec([[['x'], '1']]), 4)
    assert.deepEqual(r.row, { x: 1, _step: 4 })
    assert.equal(r.step, 4)
    assert.equal(r.stepSource, 'synthetic')
  })

  it('keeps bad _step values raw and gives the row no usable step', () => {
    const bad = ['"5"', '5.5', 'null', 'true', '{"a":1}', '[1]']
    const expected: unknown[] = ['5', 5.5, null, true, { a: 1 }, [1]]
    bad.forEach((text, i) => {
      const r = buildHistoryRow(rec([[['_step'], text]]), i)
      assert.deepEqual(r.row._step, expected[i])
      assert.equal(r.step, undefined)
      assert.equal(r.stepSource, 'invalid')
    })
  })

  it('falls back to the step field for a bad _step item', () => {
    const r = buildHistoryRow(rec([[['_step'], '"5"']], 5), 0)
    assert.equal(r.row._step, '5')
    assert.equal(r.step, 5)
    assert.equal(r.stepSource, 'invalid')
  })

  it('isValidStep accepts only safe integers', () => {
    assert.equal(isValidStep(3), true)
    assert.equal(isValidStep(-1), true)
    assert.equal(isValidStep(5.5), false)
    assert.equal(isValidStep(2 ** 60), false)
    assert.equal(isValidStep('5'), false)
  })
})

describe('HistoryKeyTally', () => {
  it('sniffs types from the first character', () => {
    assert.equal(sniffJsonType('1.5'), 'number')
    assert.equal(sniffJsonType('NaN'), 'number')
    assert.equal(sniffJsonType('-Infinity'), 'number')
    assert.equal(sniffJsonType('"a"'), 'string')
    assert.equal(sniffJsonType('true'), 'bool')
    assert.equal(sniffJsonType('null'), 'nil')
    assert.equal(sniffJsonType('[1]'), 'list')
  })

  it('counts dotted keys, media objects by _type, and legacy dict leaves', () => {
    const t = new HistoryKeyTally()
    t.add(
      rec([[['_step'], '0'], [['img', '_type'], '"image-file"'], [['img', 'size'], '1'], [[
        'a',
        'b',
      ], '1']]),
    )
    t.add(
      rec([[['_step'], '1'], [['img'], '{"_type": "image-file", "size": 2}'], [
        ['d'],
        '{"x": 1, "y": "s"}',
      ]]),
    )
    t.add(rec([[['_step'], '2'], [['a', 'b'], '"text"'], [['e'], '{}']]))
    t.step(0)
    t.step(2)
    const keys = t.result()
    assert.equal(keys.lastStep, 2)
    assert.deepEqual(keys.keys, {
      _step: { typeCounts: [{ type: 'number', count: 3 }] },
      img: { typeCounts: [{ type: 'image-file', count: 2 }] },
      'a.b': { typeCounts: [{ type: 'number', count: 1 }, { type: 'string', count: 1 }] },
      'd.x': { typeCounts: [{ type: 'number', count: 1 }] },
      'd.y': { typeCounts: [{ type: 'string', count: 1 }] },
      e: { typeCounts: [{ type: 'map', count: 1 }] },
    })
  })

  it('reports lastStep -1 when no row has a step', () => {
    assert.equal(new HistoryKeyTally().result().lastStep, -1)
  })
})
