import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toNdjson } from '../../src/export/ndjson.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import type { Row } from '../../src/row.ts'
import { setFloatKeys } from '../../src/row_floats.ts'
import { batches, exportBytes, exportText, fixtureRows, syntheticRows } from './_helpers.ts'

test('toNdjson writes one valid JSON object per line with NaN/Infinity as strings by default', async () => {
  const rows = fixtureRows('nan_inf').slice(0, 4)
  const text = await exportText(toNdjson(), [rows.slice(0, 2), rows.slice(2)])
  assert.equal(
    text,
    [
      '{"_step":0,"edge/flat":1.5,"edge/nan_inf":0,"edge/single_point":42}',
      '{"_step":1,"edge/flat":1.5,"edge/nan_inf":"NaN"}',
      '{"_step":2,"edge/flat":1.5,"edge/nan_inf":"Infinity"}',
      '{"_step":3,"edge/flat":1.5,"edge/nan_inf":"-Infinity"}',
      '',
    ].join('\n'),
  )
  for (const line of text.trim().split('\n')) JSON.parse(line)
})

test('toNdjson nan: null keeps lines valid JSON and numeric; literal writes bare tokens', async () => {
  const rows = fixtureRows('nan_inf').slice(1, 4)
  assert.equal(
    await exportText(toNdjson({ nan: 'null' }), [rows]),
    '{"_step":1,"edge/flat":1.5,"edge/nan_inf":null}\n{"_step":2,"edge/flat":1.5,"edge/nan_inf":null}\n{"_step":3,"edge/flat":1.5,"edge/nan_inf":null}\n',
  )
  const literal = await exportText(toNdjson({ nan: 'literal' }), [rows])
  assert.equal(literal.split('\n')[1], '{"_step":2,"edge/flat":1.5,"edge/nan_inf":Infinity}')
  const back = literal.trim().split('\n').map((line) => parseJson(line) as Record<string, number>)
  assert.ok(Number.isNaN(back[0]['edge/nan_inf']))
  assert.equal(back[2]['edge/nan_inf'], -Infinity)
})

test('toNdjson keeps media objects nested, with NaN inside them as strings', async () => {
  const media = fixtureRows('media')[0]
  const row = { ...media, samples: { ...(media.samples as object), score: NaN } }
  const line = JSON.parse(await exportText(toNdjson(), [[row]]))
  assert.equal(line.samples._type, 'image-file')
  assert.equal(line.samples.path, 'media/images/samples_0_65998250.png')
  assert.equal(line.samples.score, 'NaN')
  assert.deepEqual(line.gallery.captions, ['gallery 1/2 at step 0', 'gallery 2/2 at step 0'])
})

test('toNdjson flatten and columns pick, order and drop keys', async () => {
  const row = { z: 1, _step: 7, nested: { a: 1, b: { c: 2 } }, drop: true }
  assert.equal(
    await exportText(toNdjson({ flatten: true }), [[row]]),
    '{"z":1,"_step":7,"nested.a":1,"nested.b.c":2,"drop":true}\n',
  )
  assert.equal(
    await exportText(
      toNdjson({ flatten: true, columns: ['_step', 'nested.b.c', 'missing', 'z'] }),
      [[row]],
    ),
    '{"_step":7,"nested.b.c":2,"z":1}\n',
  )
})

test('toNdjson writes unicode keys and values as UTF-8', async () => {
  const rows = fixtureRows('unicode')
  const text = await exportText(toNdjson(), [rows])
  assert.equal(text.split('\n')[0], '{"_step":0,"emoji/🚀speed":100,"损失/loss":1}')
  assert.equal(text.trim().split('\n').length, 10)
})

test('toNdjson: empty stream gives no bytes; a single row (not a batch) is accepted', async () => {
  assert.equal(await exportText(toNdjson(), []), '')
  assert.equal(await exportText(toNdjson(), [[]]), '')
  const stream = ReadableStream.from([{ _step: 0, loss: 1 }]).pipeThrough(toNdjson())
  assert.equal(await new Response(stream).text(), '{"_step":0,"loss":1}\n')
})

test('toNdjson rejects an unknown nan policy with a RangeError', () => {
  assert.throws(() => toNdjson({ nan: 'zero' as 'null' }), RangeError)
})

test('toNdjson writes 100k rows losslessly', async () => {
  const rows = syntheticRows(100_000)
  const text = await exportText(toNdjson({ nan: 'literal' }), batches(rows, 1000))
  const lines = text.split('\n')
  assert.equal(lines.length, 100_001)
  assert.equal(lines[100_000], '')
  for (const i of [0, 49, 700, 99_999]) {
    const back = parseJson(lines[i]) as Record<string, unknown>
    assert.deepEqual(Object.keys(back), Object.keys(rows[i]))
    for (const key of Object.keys(back)) {
      assert.ok(Object.is(back[key], rows[i][key]), `row ${i} key ${key}`)
    }
  }
})

test('NDJSON spells marked and double-typed integral values as floats, nested ones too', async () => {
  const row: Row = { _step: 0, loss: 1, eval: { score: 2, n: 3 }, img: { _type: 'x', w: 4 } }
  setFloatKeys(row, ['loss', 'eval.score'])
  const marked = new TextDecoder().decode(await exportBytes(toNdjson(), [[row]]))
  assert.equal(
    marked,
    '{"_step":0,"loss":1.0,"eval":{"score":2.0,"n":3},"img":{"_type":"x","w":4}}\n',
  )
  const typed = new TextDecoder().decode(
    await exportBytes(toNdjson({ types: { _step: 'int', 'eval.n': 'double', count: 'double' } }), [
      [{ _step: 1, eval: { n: 5 }, count: 7, other: 8 }],
    ]),
  )
  assert.equal(typed, '{"_step":1,"eval":{"n":5.0},"count":7.0,"other":8}\n')
})
