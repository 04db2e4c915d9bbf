import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  buildHistoryRow,
  type HistoryRow,
  isValidStep,
  parseValueJson,
} from '../../src/local/history_record_row.ts'
import { HistoryKeyTally, sniffJsonType } from '../../src/local/history_keys.ts'
import type { HistoryRecord } from '../../src/local/record_types.ts'
import { readRecords } from '../../src/local/read_records.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const skip = skipWithoutSharedFixtures

/** Reads every history record of a fixture file and builds its rows. */
async function fixtureRows(relative: string): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = []
  for await (const batch of readRecords(sharedFixture(relative), { types: new Set(['history']) })) {
    for (const rec of batch) {
      if (rec.type === 'history') rows.push(buildHistoryRow(rec.history, rows.length))
    }
  }
  return rows
}

function compat(name: string): string {
  return `wandb-compat-logs-synthesized/offline-run-${name}/run-${name}.wandb`
}

function leet(name: string, id: string): string {
  return `wandb-leet-fixtures/wandb/${name}/wandb/run-20260102_030405-${id}/run-${id}.wandb`
}

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

describe('history rows of the compat logs (§5.2)', () => {
  const cases: [string, unknown[], string][] = [
    ['old_auto_steps', [0, 1, 2], 'item'],
    ['old_auto_steps_flat_keys', [0, 1, 2], 'item'],
    ['old_explicit_steps', [0, 5, 10], 'item'],
    ['old_resumed_run', [5, 6, 7], 'item'],
    ['old_shared_mode', [0, 1], 'synthetic'],
    ['new_auto_steps', [0, 1, 2], 'synthetic'],
    ['new_explicit_steps', [0, 5, 10], 'field'],
    ['new_shared_mode', [0, 1], 'synthetic'],
    ['new_resume_mode', [0, 1, 2], 'synthetic'],
  ]
  for (const [name, steps, source] of cases) {
    it(`${name}: _step ${steps.join(',')} from ${source}, x = row index`, { skip }, async () => {
      const rows = await fixtureRows(compat(name))
      assert.deepEqual(rows.map((r) => r.row._step), steps)
      assert.deepEqual(rows.map((r) => r.step), steps)
      assert.deepEqual(rows.map((r) => r.row.x), steps.map((_, i) => i))
      assert.ok(rows.every((r) => r.stepSource === source))
      assert.ok(rows.every((r) => Object.keys(r.row).length === 2))
    })
  }

  it('old_no_history: no rows', { skip }, async () => {
    assert.deepEqual(await fixtureRows(compat('old_no_history')), [])
  })

  it('old_bad_step_types: raw values kept, no usable step', { skip }, async () => {
    const rows = await fixtureRows(compat('old_bad_step_types'))
    assert.deepEqual(rows.map((r) => r.row._step), ['5', 5.5, null, true, { a: 1 }, [1]])
    assert.ok(rows.every((r) => r.step === undefined && r.stepSource === 'invalid'))
  })

  it('2021 legacy run: no history rows', { skip }, async () => {
    assert.deepEqual(await fixtureRows('wandb-offline-run-2021/run-g9dvvkua.wandb'), [])
  })
})

describe('history rows of the LEET runs (§5.2)', () => {
  it(
    'tiny0001: 50 rows, steps 0-49, five keys, present-but-empty first step',
    { skip },
    async () => {
      const rows = await fixtureRows(leet('single-tiny', 'tiny0001'))
      assert.equal(rows.length, 50)
      assert.deepEqual(rows.map((r) => r.step), Array.from({ length: 50 }, (_, i) => i))
      assert.deepEqual(Object.keys(rows[0].row).sort(), [
        '_step',
        '_timestamp',
        'eval/step_fn',
        'train/loss',
        'train/sine',
      ])
      assert.deepEqual(rows[0].row, {
        _step: 0,
        _timestamp: 1767323047,
        'eval/step_fn': 0,
        'train/loss': 2,
        'train/sine': 0.51786,
      })
      assert.equal(rows[49].row._timestamp, 1767323096)
    },
  )

  it(
    'media001: nested image-file and images/separated objects rebuilt from leaves',
    { skip },
    async () => {
      const rows = await fixtureRows(leet('media', 'media001'))
      assert.equal(rows.length, 5)
      assert.deepEqual(rows.map((r) => r.step), [0, 1, 2, 3, 4])
      const first = rows[0].row
      assert.deepEqual(first.samples, {
        _type: 'image-file',
        caption: 'sample at step 0',
        format: 'png',
        height: 24,
        path: 'media/images/samples_0_65998250.png',
        sha256: '6599825073692705e9b961c51481b68d61d5bc192d36c0a591f3046465ccb380',
        size: 2396,
        width: 32,
      })
      assert.deepEqual(first.gallery, {
        _type: 'images/separated',
        captions: ['gallery 1/2 at step 0', 'gallery 2/2 at step 0'],
        count: 2,
        filenames: [
          'media/images/gallery_0_0_48a943f8.png',
          'media/images/gallery_0_1_5fedb902.png',
        ],
        format: 'png',
        height: 24,
        width: 32,
      })
      assert.deepEqual(Object.keys(first).sort(), ['_step', 'gallery', 'samples', 'train/loss'])
    },
  )

  it('nanedge1: NaN, Infinity and -Infinity at steps 1-3', { skip }, async () => {
    const rows = await fixtureRows(leet('edge-nan-inf', 'nanedge1'))
    assert.equal(rows.length, 20)
    const v = rows.map((r) => r.row['edge/nan_inf'])
    assert.ok(Number.isNaN(v[1]))
    assert.equal(v[2], Infinity)
    assert.equal(v[3], -Infinity)
    assert.ok(Number.isFinite(v[0]) && Number.isFinite(v[4]))
  })

  it('uni00001: 10 rows with CJK and emoji keys', { skip }, async () => {
    const rows = await fixtureRows(leet('edge-unicode', 'uni00001'))
    assert.equal(rows.length, 10)
    assert.deepEqual(rows[0].row, { _step: 0, 'emoji/🚀speed': 100, '损失/loss': 1 })
    assert.deepEqual(rows[1].row, { _step: 1, 'emoji/🚀speed': 105, '损失/loss': 0.92 })
  })

  it('empty001: no rows', { skip }, async () => {
    assert.deepEqual(await fixtureRows(leet('edge-empty', 'empty001')), [])
  })
})
