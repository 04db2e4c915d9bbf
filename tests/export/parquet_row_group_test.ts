import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parquetReadObjects } from 'hyparquet'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import type { ColumnType } from '../../src/export/column_kind.ts'
import { codecSetup, spoolDecompressors } from '../../src/export/parquet_codec.ts'
import { RowGroupBuilder } from '../../src/export/parquet_group.ts'
import { writeRowGroup } from '../../src/export/parquet_row_group.ts'
import { buildSchema } from '../../src/export/parquet_schema.ts'
import type { Row } from '../../src/row.ts'

/** Rows with every column kind: dense and sparse numbers, a repeating number, strings, booleans, JSON. */
function rows(n: number, offset: number): Row[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset
    const row: Row = { _step: i, loss: 1 / (i + 1), lr: i < 150 ? 0.1 : 0.01 }
    if (i % 3 === 0) row.acc = i * 0.25 - 7
    if (i % 5 === 0) row.phase = `p${i % 4}`
    if (i % 7 === 0) row.ok = i % 2 === 0
    if (i % 11 === 0) row.media = { _type: 'image-file', path: `m/${i}.png` }
    if (i % 13 === 0) row.count = i * 1000
    return row
  })
}

const NAMES = ['_step', 'loss', 'lr', 'acc', 'phase', 'ok', 'media', 'count']
const KINDS: ColumnType[] = ['int', 'double', 'double', 'double', 'string', 'bool', 'json', 'int']

/** A finished file: row groups of 120 rows written by `write`. */
async function file(
  write: (writer: ParquetWriter, builder: RowGroupBuilder) => Promise<void>,
): Promise<Uint8Array> {
  const codec = codecSetup('zstd')
  await codec.ready
  const out = new ByteWriter()
  const writer = new ParquetWriter({
    writer: out,
    schema: buildSchema(NAMES, KINDS, 'json'),
    codec: codec.codec,
    compressors: codec.compressors,
  })
  const builder = new RowGroupBuilder({
    rowGroupSize: 120,
    rowGroupCells: 1_000_000,
    declared: Object.fromEntries(NAMES.map((name, j) => [name, KINDS[j]])),
    strict: true,
  })
  builder.sync(NAMES)
  for (let start = 0; start < 300; start += 120) {
    const batch = rows(Math.min(120, 300 - start), start)
    builder.append(batch, 0, batch.length)
    await write(writer, builder)
    builder.reset()
  }
  await writer.finish()
  return out.getBytes()
}

test('writeRowGroup writes the same file as ParquetWriter.write, fast number columns included', async () => {
  const ours = await file((writer, builder) =>
    writeRowGroup(writer, builder.columnData('json'), builder.length)
  )
  const theirs = await file(async (writer, builder) => {
    // The plain hyparquet-writer path: every column as the array `data` hyparquet-writer takes.
    const columnData = builder.columnData('json').map(({ name, data, statistics }) => ({
      name,
      data: Array.isArray(data) ? data : Array.from(data as ArrayLike<unknown>),
      ...(statistics === undefined ? {} : { statistics }),
    }))
    // deno-lint-ignore no-explicit-any
    await writer.write({ columnData: columnData as any, rowGroupSize: builder.length })
  })
  assert.deepEqual(ours, theirs)
  const read = await parquetReadObjects({
    file: ours.slice().buffer,
    compressors: spoolDecompressors,
  })
  assert.equal(read.length, 300)
  assert.equal(read[299]._step, 299n)
  assert.equal(read[3].acc, -6.25)
  assert.equal(read[4].acc, null)
  assert.equal(read[260].count, 260000n)
  assert.equal(read[200].lr, 0.01)
})

test('writeRowGroup names a column whose length is not the row count', async () => {
  const out = new ByteWriter()
  const writer = new ParquetWriter({ writer: out, schema: buildSchema(['a'], ['string'], 'json') })
  await assert.rejects(
    writeRowGroup(writer, [{ name: 'a', data: ['x', 'y'] }], 3),
    { name: 'RangeError', message: 'parquet row group: column "a" has 2 values for 3 rows' },
  )
})

test('the row group builder grows its storage with the rows it holds and keeps every value', () => {
  const builder = new RowGroupBuilder({
    rowGroupSize: 100_000,
    rowGroupCells: 1_000_000,
    declared: {},
    strict: false,
  })
  const names = ['_step', 'x']
  builder.sync(names)
  const make = (from: number, to: number): Row[] =>
    Array.from({ length: to - from }, (_, k) => {
      const i = from + k
      const row: Row = { _step: i, x: i % 4 === 0 ? null : i / 2 }
      if (i >= 2500) row.late = `s${i}`
      if (i === 4000) row.x = { nested: true } // widens x to JSON after the storage grew
      return row
    })
  builder.append(make(0, 1000), 0, 1000)
  const small = builder.columnData('string')
  assert.equal(
    small[0].numeric!.nums.length,
    1024,
    'a 1,000-row group holds 1,024 rows, not 47,000',
  )
  for (let from = 1000; from < 5000; from += 700) {
    const batch = make(from, Math.min(5000, from + 700))
    if (from + 700 > 2500 && !builder.names.includes('late')) builder.sync([...names, 'late'])
    builder.append(batch, 0, batch.length)
  }
  const columns = builder.columnData('string')
  assert.equal(builder.length, 5000)
  assert.ok(columns[0].numeric!.nums.length >= 5000 && columns[0].numeric!.nums.length <= 8192)
  const step = columns[0].data as ArrayLike<bigint>
  assert.equal(step[4999], 4999n)
  const x = columns[1].data as (string | null)[]
  assert.deepEqual([x[0], x[1], x[3999], x[4000], x[4001]], [
    null,
    '0.5',
    '1999.5',
    '{"nested":true}',
    '2000.5',
  ])
  const late = columns[2].data as (string | null)[]
  assert.deepEqual([late[0], late[2499], late[2500], late[4999]], [null, null, 's2500', 's4999'])

  builder.reset()
  builder.append(make(10, 12), 0, 2)
  const again = builder.columnData('string')
  assert.deepEqual(Array.from(again[0].data as ArrayLike<bigint>), [10n, 11n])
  assert.deepEqual(again[2].data, [null, null], 'texts from the previous group were cleared')
})

test('after its number storage moved to another thread, reset takes new storage and the builder goes on', () => {
  const builder = new RowGroupBuilder({
    rowGroupSize: 1000,
    rowGroupCells: 1_000_000,
    declared: { _step: 'int', x: 'double' },
    strict: true,
  })
  builder.sync(['_step', 'x'])
  const rows = (from: number): Row[] =>
    Array.from({ length: 1000 }, (_, k) => ({ _step: from + k, x: k % 3 ? (from + k) / 2 : null }))
  builder.append(rows(0), 0, 1000)
  const first = builder.columnData('json')
  const moved = first.map((column) =>
    structuredClone(column.numeric!.nums.buffer, {
      transfer: [
        column.numeric!.nums.buffer as ArrayBuffer,
        column.numeric!.flags.buffer as ArrayBuffer,
      ],
    })
  )
  assert.equal(first[1].numeric!.nums.length, 0, 'the storage is detached')
  assert.equal(moved.length, 2)
  builder.reset()
  builder.append(rows(1000), 0, 1000)
  const second = builder.columnData('json')
  assert.equal(second[1].numeric!.length, 1000)
  assert.equal(second[0].numeric!.nums[999], 1999)
  assert.deepEqual([...second[1].numeric!.flags.subarray(0, 4)], [0, 1, 1, 0])
  assert.equal(second[1].numeric!.nums[2], 1002 / 2)
})
