import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parquetMetadata } from 'hyparquet'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { rowFromParquet, rowsFromColumns } from '../../src/api/history/history_row.ts'
import { gatherColumn } from '../../src/api/history/decode_group.ts'
import { ParquetExportFile } from '../../src/api/history/parquet_export_file.ts'
import type { Row } from '../../src/row.ts'

/** The cells of one export, column by column, as hyparquet decodes them. */
const NAMES = ['_step', 'loss', 'eval.score', 'eval.count', 'a\\.b', 'img', 'note', 'when', 'bytes']
const COLUMNS: ArrayLike<unknown>[] = [
  [0n, 1n, null, 3n],
  new Float64Array([0.5, NaN, 2, Infinity]),
  [0.25, null, 1, null],
  [1n, null, 2n, null],
  [null, 7, null, null],
  ['{"_type":"image-file","path":"x.png"}', null, null, '[1,2]'],
  ['plain text', null, '{not json', null],
  [new Date(1_700_000_000_500), null, null, null],
  [new Uint8Array([104, 105]), null, null, null],
]

test('rowsFromColumns builds the rows rowFromParquet builds from row objects', () => {
  const rows = rowsFromColumns(NAMES, COLUMNS, 4)
  // Row 2 has no _step and is left out, as rowFromParquet rejects it.
  assert.equal(rows.length, 3)
  const objects = [0, 1, 2, 3].map((r) =>
    Object.fromEntries(NAMES.map((name, c) => [name, COLUMNS[c][r]]))
  )
  const expected = objects.map(rowFromParquet).filter((row): row is Row => row !== undefined)
  assert.deepEqual(rows, expected)
  assert.deepEqual(rows[0], {
    _step: 0,
    loss: 0.5,
    eval: { score: 0.25, count: 1 },
    img: { _type: 'image-file', path: 'x.png' },
    note: 'plain text',
    when: 1_700_000_000.5,
    bytes: 'aGk=',
  })
  assert.deepEqual(Object.keys(rows[1]), ['_step', 'loss', 'a.b'])
  assert.ok(Number.isNaN(rows[1].loss))
  assert.equal(rows[1]['a.b'], 7)
  assert.deepEqual(rows[2], { _step: 3, loss: Infinity, img: [1, 2] })
})

test('rowsFromColumns keeps a __proto__ column as an own key and checks its input', () => {
  const rows = rowsFromColumns(['_step', '__proto__', 'x.__proto__'], [[1], [5], [6]], 1)
  assert.equal(rows.length, 1)
  assert.ok(Object.hasOwn(rows[0], '__proto__'))
  assert.equal(Object.getOwnPropertyDescriptor(rows[0], '__proto__')?.value, 5)
  assert.equal(Object.getPrototypeOf(rows[0]), Object.prototype)
  const x = rows[0].x as Row
  assert.equal(Object.getOwnPropertyDescriptor(x, '__proto__')?.value, 6)
  assert.throws(() => rowsFromColumns(['_step', 'loss'], [[1]], 1), RangeError)
})

test('rowsFromColumns truncates a fractional _step and nests onto a value in the way by name', () => {
  const rows = rowsFromColumns(['_step', 'a', 'a.b'], [[2.7], [1], [3]], 1)
  assert.deepEqual(rows, [{ _step: 2, a: 1, 'a.b': 3 }])
})

test('a row group written in several pages per column decodes to the same rows', async () => {
  const n = 300
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: '_step', type: 'INT64', data: Array.from({ length: n }, (_, i) => BigInt(i)) },
      {
        name: 'loss',
        type: 'DOUBLE',
        nullable: true,
        data: Array.from({ length: n }, (_, i) => (i % 3 ? i / 2 : null)),
      },
      {
        name: 'eval.score',
        type: 'DOUBLE',
        nullable: true,
        data: Array.from({ length: n }, (_, i) => (i % 5 ? null : i)),
      },
    ],
    rowGroupSize: 200,
    pageSize: 256,
  })
  const metadata = parquetMetadata(buffer)
  const pages = Number(metadata.row_groups[0].columns[1].meta_data?.total_compressed_size)
  assert.ok(pages > 256, 'the loss chunk holds more than one page')
  const bytes = new Uint8Array(buffer)
  const fetch = (_: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const range = new Headers(init?.headers).get('range')
    const m = range ? /bytes=(\d+)-(\d+)/.exec(range) : null
    if ((init?.method ?? 'GET') === 'HEAD') {
      return Promise.resolve(
        new Response(null, { headers: { 'content-length': String(bytes.length) } }),
      )
    }
    if (!m) return Promise.resolve(new Response(bytes))
    const part = bytes.slice(Number(m[1]), Number(m[2]) + 1)
    return Promise.resolve(
      new Response(part, {
        status: 206,
        headers: {
          'content-range': `bytes ${m[1]}-${m[2]}/${bytes.length}`,
          'content-length': String(part.length),
        },
      }),
    )
  }
  const file = await ParquetExportFile.open('http://files.invalid/0.parquet?sig=x', '1 of 1', {
    fetch,
  })
  assert.equal(file.groups.length, 2)
  const got = [...await file.readGroup(file.groups[0]), ...await file.readGroup(file.groups[1])]
  const expected = Array.from({ length: n }, (_, i) => {
    const row: Row = { _step: i }
    if (i % 3) row.loss = i / 2
    if (i % 5 === 0) row.eval = { score: i }
    return row
  })
  assert.deepEqual(got, expected)
})

test('gatherColumn passes one exact chunk through and joins or clips several', () => {
  const whole = new Float64Array([1, 2, 3])
  assert.equal(gatherColumn([{ start: 10, data: whole }], 10, 13), whole)
  const joined = gatherColumn(
    [{ start: 8, data: [0, 1, 2, 3] }, { start: 12, data: [4, 5] }],
    10,
    14,
  )
  assert.deepEqual(Array.from(joined), [2, 3, 4, 5])
  const gap = gatherColumn([{ start: 10, data: [7] }], 10, 12)
  assert.deepEqual(Array.from(gap), [7, undefined])
})
