import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ColumnBatch } from '../../src/export/column_batch.ts'
import { toCsv } from '../../src/export/csv.ts'
import { toParquet } from '../../src/export/parquet.ts'
import type { Row } from '../../src/row.ts'
import { parquetReadObjects } from 'hyparquet'
import { collect, exportBytes } from './_helpers.ts'

/** Writes chunks (rows or column batches) through an exporter and returns its bytes. */
function written(
  exporter: { writable: WritableStream<unknown>; readable: ReadableStream<Uint8Array> },
  chunks: unknown[],
): Promise<Uint8Array> {
  const bytes = collect(exporter.readable)
  const writer = exporter.writable.getWriter()
  const done = (async () => {
    for (const chunk of chunks) await writer.write(chunk)
    await writer.close()
  })()
  return Promise.all([bytes, done]).then(([b]) => b)
}

const names = ['_step', 'loss', 'epoch', 'done', 'phase', 'eval.score']
const types = {
  _step: 'int',
  loss: 'double',
  epoch: 'double',
  done: 'bool',
  phase: 'string',
  'eval.score': 'double',
} as const
// Cells as an export file decodes them: INT64 as bigint, nulls where nothing was logged.
const data = [
  [0n, 1n, 2n, 3n, 4n],
  Float64Array.from([1, 0.5, NaN, Infinity, -0]),
  [0, 1, null, 3, 4],
  [true, null, false, null, true],
  ['train', null, 'eval', '', null],
  [null, 0.25, null, 2, null],
]
const rows: Row[] = [
  { _step: 0, loss: 1, epoch: 0, done: true, phase: 'train' },
  { _step: 1, loss: 0.5, epoch: 1, 'eval.score': 0.25 },
  { _step: 2, loss: NaN, done: false, phase: 'eval' },
  { _step: 3, loss: Infinity, epoch: 3, phase: '', 'eval.score': 2 },
  { _step: 4, loss: -0, epoch: 4, done: true },
]

test('a column batch written to Parquet gives the bytes of the same cells written as rows', async () => {
  const options = { columns: names, types, rowGroupSize: 2 }
  const fromRows = await exportBytes(toParquet(options), [rows.slice(0, 3), rows.slice(3)])
  const fromColumns = await written(toParquet(options), [
    new ColumnBatch(names, data, 0, 3),
    new ColumnBatch(names, data, 3, 2),
  ])
  assert.deepEqual(fromColumns, fromRows)
  const back = await parquetReadObjects({ file: fromColumns.slice().buffer })
  assert.deepEqual(back.map((r) => [r._step, r.epoch, r['eval.score']]), [
    [0n, 0, null],
    [1n, 1, 0.25],
    [2n, null, null],
    [3n, 3, 2],
    [4n, 4, null],
  ])
  // rows and batches mix in one file
  const mixed = await written(toParquet(options), [
    rows.slice(0, 1),
    new ColumnBatch(names, data, 1, 4),
  ])
  assert.deepEqual(mixed, fromRows)
})

test('a column batch is refused where columns are not all declared, and by CSV', async () => {
  const batch = new ColumnBatch(names, data, 0, 5)
  await assert.rejects(
    written(toParquet({ columns: names }), [batch]),
    /Cannot write a column batch to Parquet without every column declared/,
  )
  await assert.rejects(written(toCsv({ columns: names }), [batch]), /takes rows only/)
  await assert.rejects(
    written(toParquet({ columns: names, types: { ...types, phase: 'double' } }), [batch]),
    /Cannot write "train" to Parquet column "phase" declared as double/,
  )
  assert.throws(() => new ColumnBatch(names, data.slice(1), 0, 5), /6 column names but 5 columns/)
})
