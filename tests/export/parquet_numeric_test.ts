import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { SchemaElement } from 'hyparquet'
import { ByteWriter } from 'hyparquet-writer'
import { writeColumn } from 'hyparquet-writer/src/column.js'
import { encodeNestedValues } from 'hyparquet-writer/src/dremel.js'
import { schemaPathResolver } from 'hyparquet-writer/src/schema.js'
import { codecSetup } from '../../src/export/parquet_codec.ts'
import {
  type ColumnEncoder,
  type NumericData,
  numericValues,
  sampleRejectsDictionary,
  writeNumericColumn,
} from '../../src/export/parquet_numeric.ts'

/** A number column from values (null = unset), as the row group builder stores it. */
function numeric(values: (number | null)[], int: boolean): NumericData {
  const nums = new Float64Array(values.length)
  const flags = new Uint8Array(values.length)
  values.forEach((v, i) => {
    if (v !== null) [nums[i], flags[i]] = [v, 1]
  })
  return { nums, flags, length: values.length, int }
}

/** The same column the way hyparquet-writer takes it (typed when dense, else an array with nulls). */
function hyparquetValues(values: (number | null)[], int: boolean) {
  const dense = values.every((v) => v !== null)
  if (!int) return dense ? Float64Array.from(values as number[]) : values
  const big = values.map((v) => (v === null ? null : BigInt(v)))
  return dense ? BigInt64Array.from(big as bigint[]) : big
}

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
}

const next = random(3)
const CASES: Record<string, { values: (number | null)[]; int: boolean }> = {
  'dense doubles': { values: Array.from({ length: 5000 }, () => next() * 100 - 50), int: false },
  'sparse doubles with NaN, ±0 and ±Infinity': {
    values: Array.from(
      { length: 3000 },
      (_, i) =>
        i % 7 === 0
          ? null
          : i === 5
          ? NaN
          : i === 9
          ? -0
          : i === 10
          ? 0
          : i === 11
          ? Infinity
          : i === 12
          ? -Infinity
          : next(),
    ),
    int: false,
  },
  'zero is the maximum (+0) and -0 the minimum': {
    values: Array.from({ length: 500 }, (_, i) => (i === 7 ? 0 : i === 8 ? -0 : -1 - next())),
    int: false,
  },
  'zero is the minimum (-0)': {
    values: Array.from({ length: 500 }, (_, i) => (i === 3 ? 0 : 1 + next())),
    int: false,
  },
  'dense ints, negative and near 2^53': {
    values: Array.from(
      { length: 4000 },
      (_, i) =>
        i === 1 ? 2 ** 53 - 1 : i === 2 ? -(2 ** 53) + 1 : i === 3 ? -1 : i * 7919 - 1_000_000,
    ),
    int: true,
  },
  'sparse ints': {
    values: Array.from({ length: 2500 }, (_, i) => (i % 3 === 0 ? null : i * 31 - 9000)),
    int: true,
  },
  'one row': { values: [42.5], int: false },
  // A page without nulls writes its levels as one run from 8 rows up, bit-packed below that.
  'seven dense rows': { values: Array.from({ length: 7 }, () => next()), int: false },
  'eight dense rows': { values: Array.from({ length: 8 }, () => next()), int: false },
  'nine dense ints': { values: Array.from({ length: 9 }, (_, i) => i * 1e6 + 1), int: true },
  'more than one page (offset index)': {
    values: Array.from({ length: 300_000 }, (_, i) => (i % 1001 === 0 ? null : i + next())),
    int: false,
  },
  'more than one page of dense doubles, with NaN and ±0': {
    values: Array.from(
      { length: 2 * 131_071 + 5 },
      (_, i) => (i % 4099 === 0 ? NaN : i === 7 ? -0 : i === 9 ? 0 : i - next() * 1e6),
    ),
    int: false,
  },
  'exactly one dense page, then one value': {
    values: Array.from({ length: 131_072 }, (_, i) => i * 0.5 + next()),
    int: false,
  },
  'more than one page of ints': {
    values: Array.from({ length: 140_000 }, (_, i) => i * 3),
    int: true,
  },
}

/** Both writers' bytes and results for one column and codec. */
async function both(values: (number | null)[], int: boolean, codec: 'zstd' | 'uncompressed') {
  const setup = codecSetup(codec)
  await setup.ready
  const element: SchemaElement = {
    name: 'x',
    type: int ? 'INT64' : 'DOUBLE',
    repetition_type: 'OPTIONAL',
  }
  const schema: SchemaElement[] = [{ name: 'root', num_children: 1 }, element]
  const path = schemaPathResolver(schema)(['x'])
  const column: ColumnEncoder = {
    columnName: 'x',
    element,
    schemaPath: schema,
    codec: setup.codec,
    compressors: setup.compressors,
    stats: true,
    pageSize: 1 << 20,
    columnIndex: false,
    offsetIndex: true,
  }
  const ours = new ByteWriter()
  ours.appendUint32(0x31524150) // columns never start at offset 0
  const fast = writeNumericColumn(ours, column, numeric(values, int))
  const theirs = new ByteWriter()
  theirs.appendUint32(0x31524150)
  const pageData = encodeNestedValues(path, hyparquetValues(values, int) as never)
  const reference = writeColumn({ writer: theirs, column, pageData })
  return { fast, ours: ours.getBytes(), reference, theirs: theirs.getBytes() }
}

for (const [name, { values, int }] of Object.entries(CASES)) {
  for (const codec of ['zstd', 'uncompressed'] as const) {
    test(`fast ${int ? 'INT64' : 'DOUBLE'} chunk is writeColumn's bytes: ${name} (${codec})`, async () => {
      const { fast, ours, reference, theirs } = await both(values, int, codec)
      assert.ok(fast, 'the fast path took the column')
      assert.deepEqual(ours, theirs)
      assert.deepEqual(fast.chunk, reference.chunk)
      assert.deepEqual(fast.offsetIndex, reference.offsetIndex)
    })
  }
}

test('a column whose sample repeats is left to writeColumn (it may get a dictionary)', async () => {
  const values = Array.from({ length: 5000 }, (_, i) => (i < 2500 ? 0.001 : 0.0001))
  assert.equal(sampleRejectsDictionary(numeric(values, false)), false)
  const { fast, ours, reference } = await both(values, false, 'zstd')
  assert.equal(fast, undefined)
  assert.equal(ours.length, 4, 'nothing written')
  assert.equal(reference.chunk.meta_data?.encodings.includes('RLE_DICTIONARY'), true)
})

test('the dictionary sample counts nulls as hyparquet-writer does (no bytes)', () => {
  assert.equal(sampleRejectsDictionary(numeric([null, null, null], false)), true)
  assert.equal(sampleRejectsDictionary(numeric([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true)), true)
  assert.equal(sampleRejectsDictionary(numeric([1, 1, 2, 2, 3, 3], true)), false)
})

test('numericValues gives hyparquet-writer typed arrays when dense, arrays with nulls otherwise', () => {
  const dense = numericValues(numeric([1.5, -2, 3], false))
  assert.ok(dense instanceof Float64Array)
  assert.deepEqual([...dense as Float64Array], [1.5, -2, 3])
  assert.deepEqual(numericValues(numeric([1, null, 3], true)), [1n, null, 3n])
  const ints = numericValues(numeric([2 ** 53 - 1, -4], true))
  assert.ok(ints instanceof BigInt64Array)
  assert.deepEqual([...ints as BigInt64Array], [2n ** 53n - 1n, -4n])
})

test('the dictionary sample counts distinct values as a Map of the sampled values would', () => {
  /** hyparquet-writer's rule over the same sample: Map keys (SameValueZero), nulls weigh nothing. */
  const reference = (values: (number | null)[]) => {
    const size = Math.min(values.length, 1000)
    const seen = new Set<number>()
    let count = 0
    for (let i = 0; i < size; i++) {
      const v = values[size === 1 ? 0 : Math.floor(i * (values.length - 1) / (size - 1))]
      if (v === null) continue
      count++
      seen.add(v)
    }
    return count === 0 || seen.size / count > 0.9
  }
  // NaNs with other payloads than the NaN literal's.
  const view = new DataView(new ArrayBuffer(8))
  view.setUint32(0, 0x7ff80000 | 0x1234)
  view.setUint32(4, 99)
  const otherNaN = view.getFloat64(0)
  view.setUint32(0, 0xfff00000)
  view.setUint32(4, 1)
  const signalingNaN = view.getFloat64(0)
  let seed = 7
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
  const cases: (number | null)[][] = [
    [0, -0, 1],
    [NaN, otherNaN, signalingNaN, 2, 3],
    [1e-300, -1e-300, 5e-324, -5e-324, Number.MAX_VALUE, -Infinity, Infinity],
  ]
  for (const length of [1, 2, 999, 1000, 1001, 50_000]) {
    for (const repeats of [0, 0.05, 0.09, 0.1, 0.11, 0.5]) {
      for (const nulls of [0, 0.3]) {
        cases.push(Array.from({ length }, (_, i) => {
          if (random() < nulls) return null
          if (random() < repeats) return i % 2 ? 0.5 : -0
          return i % 97 === 0 ? otherNaN : Math.fround(random() * 1000)
        }))
      }
    }
  }
  for (const [k, values] of cases.entries()) {
    assert.equal(
      sampleRejectsDictionary(numeric(values, false)),
      reference(values),
      `case ${k} (${values.length} values)`,
    )
  }
})
