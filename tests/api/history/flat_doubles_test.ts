import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ByteWriter, parquetWriteBuffer } from 'hyparquet-writer'
import { writePageHeader } from 'hyparquet-writer/src/datapage.js'
import { type FileMetaData, parquetMetadata, parquetRead, parquetSchema } from 'hyparquet'
import {
  chunkRange,
  flatDoubleDecoder,
  readFlatDoubles,
  wholeGroupIndex,
} from '../../../src/api/history/flat_doubles.ts'
import { decodeColumns } from '../../../src/api/history/decode_group.ts'
import { skipWithout } from '../../interop/_project.ts'
import { wandbPython } from '../../_python.ts'

const ROWS = 3000

/** Doubles with runs of nulls, an all-null stretch, NaN, infinities and -0. */
function sparseDoubles(seed: number): (number | null)[] {
  return Array.from({ length: ROWS }, (_, i) => {
    if (i >= 1000 && i < 1400) return null // whole pages of nulls
    if ((i * seed) % 7 === 0) return null
    if (i % 97 === 0) return NaN
    if (i % 101 === 0) return i % 2 ? Infinity : -Infinity
    if (i % 103 === 0) return -0
    return (i % 11) * 0.25 + seed // few distinct values: the writer picks a dictionary
  })
}

/** A file of `_step` (INT64), two sparse doubles, a dense double, a FLOAT, a REQUIRED double and a string. */
function sampleFile(options: { encoding?: 'PLAIN'; codec?: 'SNAPPY' | 'UNCOMPRESSED' }) {
  const columnData = [
    {
      name: '_step',
      data: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)),
      type: 'INT64',
    },
    { name: 'loss', data: sparseDoubles(3), type: 'DOUBLE', encoding: options.encoding },
    { name: 'acc', data: sparseDoubles(5), type: 'DOUBLE', encoding: options.encoding },
    { name: 'lr', data: Array.from({ length: ROWS }, (_, i) => i / 7), type: 'DOUBLE' },
    {
      name: 'f32',
      data: sparseDoubles(2).map((v) => v === null ? null : Math.fround(v)),
      type: 'FLOAT',
    },
    {
      name: 'req',
      data: Float64Array.from({ length: ROWS }, (_, i) => i),
      type: 'DOUBLE',
      nullable: false,
    },
    {
      name: 'note',
      data: Array.from({ length: ROWS }, (_, i) => i % 5 ? null : `n${i}`),
      type: 'STRING',
    },
  ] as const
  const bytes = parquetWriteBuffer({
    // deno-lint-ignore no-explicit-any
    columnData: columnData as any,
    pageSize: 2048, // many pages per chunk
    rowGroupSize: [ROWS / 2, ROWS / 2],
    codec: options.codec ?? 'SNAPPY',
  })
  return { bytes, metadata: parquetMetadata(bytes), names: columnData.map((c) => c.name) }
}

/** Each column's cells as hyparquet's own reader gives them (null for no value). */
async function referenceColumns(
  bytes: ArrayBuffer,
  metadata: FileMetaData,
  rowStart: number,
  rowEnd: number,
) {
  const columns = new Map<string, unknown[]>()
  await parquetRead({
    file: bytes,
    metadata,
    rowStart,
    rowEnd,
    onChunk({ columnName, columnData, rowStart: start }) {
      const cells = columns.get(columnName) ?? []
      for (let i = 0; i < columnData.length; i++) cells[start - rowStart + i] = columnData[i]
      columns.set(columnName, cells)
    },
  })
  return columns
}

/** A flat DOUBLE or FLOAT chunk of a file, its group's rows and hyparquet's cells for it. */
interface FlatChunk {
  name: string
  bytes: ArrayBuffer
  rows: number
  groupStart: number
  decoder: NonNullable<ReturnType<typeof flatDoubleDecoder>>
  want: unknown[]
}

/** Every chunk of `bytes` that `flatDoubleDecoder` takes, group by group. */
async function* flatChunks(bytes: ArrayBuffer, metadata: FileMetaData): AsyncGenerator<FlatChunk> {
  const schema = parquetSchema(metadata)
  let groupStart = 0
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows)
    const want = await referenceColumns(bytes, metadata, groupStart, groupStart + rows)
    for (const chunk of group.columns) {
      const decoder = flatDoubleDecoder(schema, chunk, undefined)
      if (!decoder) continue
      const name = chunk.meta_data!.path_in_schema[0]
      const [start, end] = chunkRange(chunk)
      yield {
        name,
        bytes: bytes.slice(start, end),
        rows,
        groupStart,
        decoder,
        want: want.get(name)!,
      }
    }
    groupStart += rows
  }
}

/** Asserts a holey column holds exactly the reference cells: numbers equal (NaN and -0 too), holes for null. */
function assertSameCells(got: ArrayLike<unknown>, want: unknown[], name: string): void {
  assert.equal(got.length, want.length, name)
  for (let i = 0; i < want.length; i++) {
    if (want[i] === null) {
      assert.ok(!(i in (got as object)), `${name} row ${i}: a hole, not ${String(got[i])}`)
    } else {
      assert.ok(
        Object.is(got[i], want[i]),
        `${name} row ${i}: ${String(got[i])} ≠ ${String(want[i])}`,
      )
    }
  }
}

for (const encoding of [undefined, 'PLAIN'] as const) {
  for (const codec of ['SNAPPY', 'UNCOMPRESSED'] as const) {
    test(`readFlatDoubles gives hyparquet's values, with holes for nulls (${encoding ?? 'dictionary'}, ${codec})`, async () => {
      const { bytes, metadata } = sampleFile({ encoding, codec })
      let decoded = 0
      for await (
        const { name, bytes: chunk, rows, groupStart, decoder, want } of flatChunks(bytes, metadata)
      ) {
        const got = readFlatDoubles(chunk, rows, decoder)
        assertSameCells(got, want, `${name} in the group at row ${groupStart}`)
        assert.equal(got instanceof Float64Array, name === 'lr', `${name}: only lr has no nulls`)
        // Told the chunk has no nulls (as its statistics may say, rightly or not): the same cells.
        const told = readFlatDoubles(chunk, rows, decoder, true)
        assertSameCells(told, want, `${name}, told it has no nulls`)
        assert.equal(told instanceof Float64Array, name === 'lr')
        decoded++
      }
      assert.equal(decoded, 2 * 4, 'loss, acc, lr and f32 in each of two groups')
      if (encoding === undefined) {
        const encodings = metadata.row_groups[0].columns[1].meta_data!.encodings
        assert.ok(encodings.some((e) => e.endsWith('_DICTIONARY')), `dictionary used: ${encodings}`)
      }
    })
  }
}

test('flatDoubleDecoder takes only top-level OPTIONAL DOUBLE and FLOAT columns', () => {
  const { metadata } = sampleFile({})
  const schema = parquetSchema(metadata)
  const taken = metadata.row_groups[0].columns
    .filter((chunk) => flatDoubleDecoder(schema, chunk, undefined))
    .map((chunk) => chunk.meta_data!.path_in_schema[0])
  assert.deepEqual(taken, ['loss', 'acc', 'lr', 'f32']) // not _step (INT64), req (REQUIRED), note
})

test('decodeColumns: a whole group decodes its doubles unboxed, with the cells of a range read', async () => {
  const { bytes, metadata, names } = sampleFile({})
  const file = { byteLength: bytes.byteLength, slice: (s: number, e?: number) => bytes.slice(s, e) }
  const half = ROWS / 2
  assert.equal(wholeGroupIndex(metadata, half, ROWS), 1)
  assert.equal(wholeGroupIndex(metadata, 0, ROWS), undefined)
  assert.equal(wholeGroupIndex(metadata, 1, half), undefined)
  const whole = await decodeColumns({ file, metadata, names }, half, ROWS)
  // Across the groups' boundary, hyparquet's reader does it all (nulls as null).
  const across = await decodeColumns({ file, metadata, names }, half - 10, ROWS)
  assert.deepEqual(whole.names, names)
  assert.deepEqual(across.names, names)
  for (let c = 0; c < names.length; c++) {
    for (let r = 0; r < half; r++) {
      const a = whole.data[c][r] ?? null
      const b = across.data[c][r + 10] ?? null
      assert.ok(Object.is(a, b), `${names[c]} row ${half + r}: ${String(a)} ≠ ${String(b)}`)
    }
  }
  const loss = whole.data[names.indexOf('loss')]
  assert.ok(
    Array.isArray(loss) && !(5 in loss) && loss.length === half,
    'row 1505 of loss is a hole, not null',
  )
  // A chosen subset keeps schema order; only the doubles among it are decoded here.
  const some = await decodeColumns({ file, metadata, names }, 0, half, ['note', 'acc', '_step'])
  assert.deepEqual(some.names, ['_step', 'acc', 'note'])
  const onlyDoubles = await decodeColumns({ file, metadata, names }, 0, half, ['acc', 'lr'])
  assert.deepEqual(onlyDoubles.names, ['acc', 'lr'])
  assert.equal(onlyDoubles.data[1][7], 1)
})

test('a chunk cut short or holding other than its rows fails naming the column', () => {
  const { bytes, metadata } = sampleFile({ codec: 'UNCOMPRESSED' })
  const schema = parquetSchema(metadata)
  const chunk = metadata.row_groups[0].columns[1]
  const decoder = flatDoubleDecoder(schema, chunk, undefined)!
  const [start, end] = chunkRange(chunk)
  assert.throws(
    () => readFlatDoubles(bytes.slice(start, end - 100), ROWS / 2, decoder),
    /parquet column loss: a page of \d+ bytes runs past its chunk/,
  )
  assert.throws(
    () => readFlatDoubles(bytes.slice(start, end), ROWS / 2 + 5, decoder),
    /parquet column loss: 1500 values for a row group of 1505 rows/,
  )
  assert.throws(
    () => readFlatDoubles(bytes.slice(start, end), 10, decoder),
    /parquet column loss: more values than the row group's 10 rows/,
  )
})

const noPyarrow = skipWithout('pyarrow')
for (const [version, dictionary] of [['1.0', false], ['2.0', false], ['2.0', true]] as const) {
  test(
    `pyarrow files with version ${version} data pages, ${
      dictionary ? 'dictionaries' : 'PLAIN values'
    } and zstd decode to the values pyarrow wrote`,
    { skip: noPyarrow },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wbx-flat-'))
      try {
        const path = join(dir, 'pyarrow.parquet')
        const script = [
          'import sys, math, pyarrow as pa, pyarrow.parquet as pq',
          'n = 5000',
          'loss = [None if i % 3 == 0 else (math.nan if i % 50 == 1 else i * 0.5) for i in range(n)]',
          'f32 = pa.array([None if i % 4 else float(i) for i in range(n)], pa.float32())',
          'lr = pa.array([-0.0 if i == 7 else i / 7 for i in range(n)], pa.float64())',
          "t = pa.table({'_step': pa.array(range(n), pa.int64()), 'loss': pa.array(loss, pa.float64()), 'f32': f32, 'lr': lr})",
          `pq.write_table(t, sys.argv[1], data_page_version='${version}', use_dictionary=${
            dictionary ? 'True' : 'False'
          }, compression='zstd', row_group_size=n, data_page_size=4096)`,
        ].join('\n')
        const made = spawnSync(wandbPython!, ['-c', script, path], { encoding: 'utf8' })
        assert.equal(made.status, 0, made.stderr)
        const buffer = readFileSync(path)
        const bytes = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)
        const metadata = parquetMetadata(bytes)
        const encodings = metadata.row_groups[0].columns[1].meta_data!.encodings
        assert.equal(encodings.some((e) => e.endsWith('_DICTIONARY')), dictionary, `${encodings}`)
        const file = {
          byteLength: bytes.byteLength,
          slice: (s: number, e?: number) => bytes.slice(s, e),
        }
        const decoded = await decodeColumns(
          { file, metadata, names: ['_step', 'loss', 'f32', 'lr'] },
          0,
          5000,
        )
        const [, loss, f32, lr] = decoded.data
        assert.ok(Array.isArray(loss), 'a column with nulls is a holey array')
        assert.ok(lr instanceof Float64Array, 'a column without nulls is a Float64Array')
        for (let i = 0; i < 5000; i++) {
          const want = i % 3 === 0 ? undefined : i % 50 === 1 ? NaN : i * 0.5
          assert.ok(Object.is(loss[i], want), `loss row ${i}: ${String(loss[i])}`)
          assert.ok(Object.is(f32[i], i % 4 ? undefined : i), `f32 row ${i}: ${String(f32[i])}`)
          assert.ok(Object.is(lr[i], i === 7 ? -0 : i / 7), `lr row ${i}: ${String(lr[i])}`)
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )
}

test('a PLAIN page whose levels or values overrun it fails naming the column', () => {
  const { metadata } = sampleFile({ codec: 'UNCOMPRESSED' })
  const schema = parquetSchema(metadata)
  const chunk = metadata.row_groups[0].columns[3] // lr: dense, PLAIN, version 2 pages
  const decoder = flatDoubleDecoder(schema, chunk, undefined)!
  /** One DATA_PAGE_V2 of `rows` rows, uncompressed, with the level byte count and body given. */
  const page = (rows: number, nulls: number, levelBytes: number, body: Uint8Array) => {
    const writer = new ByteWriter()
    writePageHeader(writer, {
      type: 'DATA_PAGE_V2',
      uncompressed_page_size: body.length,
      compressed_page_size: body.length,
      data_page_header_v2: {
        num_values: rows,
        num_nulls: nulls,
        num_rows: rows,
        encoding: 'PLAIN',
        definition_levels_byte_length: levelBytes,
        repetition_levels_byte_length: 0,
        is_compressed: false,
      },
    })
    writer.appendBytes(body)
    return writer.getBytes().slice().buffer
  }
  const twoDoubles = new Uint8Array(Float64Array.of(1.5, 2.5).buffer)
  assert.deepEqual(
    readFlatDoubles(page(2, 0, 0, twoDoubles), 2, decoder),
    Float64Array.of(1.5, 2.5),
  )
  assert.throws(
    () => readFlatDoubles(page(4, 0, 0, twoDoubles), 4, decoder),
    /parquet column lr: a page of 4 values holds 16 bytes of them/,
  )
  assert.throws(
    () => readFlatDoubles(page(2, 1, 100, twoDoubles), 2, decoder),
    /parquet column lr: a page of 16 bytes claims 100 bytes of levels/,
  )
})

test('a row group bigger than the reused scratch decodes the same, and a small one after it too', async () => {
  const rows = 300_000
  const bytes = parquetWriteBuffer(
    {
      columnData: [
        {
          name: 'dense',
          data: Float64Array.from({ length: rows + 10 }, (_, i) => i / 3),
          type: 'DOUBLE',
        },
        {
          name: 'holes',
          data: Array.from(
            { length: rows + 10 },
            (_, i) => (i % 1000 === 999 || i === rows + 3 ? null : i * 0.5),
          ),
          type: 'DOUBLE',
        },
      ],
      rowGroupSize: [rows, 10],
    } as Parameters<typeof parquetWriteBuffer>[0],
  )
  let decoded = 0
  for await (
    const { name, bytes: chunk, rows: n, decoder, want } of flatChunks(
      bytes,
      parquetMetadata(bytes),
    )
  ) {
    const got = readFlatDoubles(chunk, n, decoder)
    assert.equal(got instanceof Float64Array, name === 'dense', `${name}: its kind`)
    assertSameCells(got, want, `${name} in the group of ${n} rows`)
    decoded++
  }
  assert.equal(decoded, 4, 'dense and holes in each of the two groups')
})
