/**
 * The compiled row transposer (row_transposer.ts) and when the row group builder takes it: every
 * cell lands as the key-by-key loop puts it, dense rows switch to it, sparse and very wide ones
 * do not.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { type GroupColumn, RowGroupBuilder } from '../../src/export/parquet_group.ts'
import {
  compileTransposer,
  MAX_TRANSPOSED_COLUMNS,
  type TransposedColumn,
  transposerFor,
} from '../../src/export/row_transposer.ts'
import type { ColumnType } from '../../src/export/column_kind.ts'
import { setFloatKeys } from '../../src/row_floats.ts'
import type { Row } from '../../src/row.ts'

/** A double or int column with room for `rows` rows. */
function numberColumn(
  name: string,
  kind: 'int' | 'double',
  declared = true,
  rows = 8,
): TransposedColumn {
  return {
    name,
    kind,
    declared: declared ? kind : undefined,
    nums: new Float64Array(rows),
    flags: new Uint8Array(rows),
  }
}

test('a transposer stores numbers in place and hands every other value to the slow path', () => {
  const columns = [
    numberColumn('_step', 'int'),
    numberColumn('loss', 'double'),
    numberColumn('count', 'int', false),
    numberColumn('constructor', 'double'),
    numberColumn('__proto__', 'double'),
  ]
  const slow: [string, number, unknown, boolean][] = []
  const transpose = compileTransposer(columns.map((c) => c.name))!
  const marked: Row = { _step: 2, count: 3 }
  setFloatKeys(marked, ['count']) // the source spelled it 3.0
  const rows: Row[] = [
    { _step: 0, loss: 0.5, count: 7, extra: 'not a column' },
    { loss: null, _step: 1.5, count: 'seven' }, // keys in another order; 1.5 is no INT64
    marked,
    JSON.parse('{"_step": 3, "constructor": 1.25, "__proto__": 2.5}'),
    { _step: 4 }, // constructor and __proto__ only inherited: no value
  ]
  const present = transpose(rows, 0, rows.length, 1, columns, (column, pos, value, float) => {
    slow.push([column.name, pos, value, float])
  })
  assert.equal(present, 11)
  assert.deepEqual([...columns[0].flags!], [0, 1, 0, 1, 1, 1, 0, 0])
  assert.deepEqual([...columns[0].nums!.subarray(1, 6)], [0, 0, 2, 3, 4])
  assert.deepEqual([...columns[1].flags!], [0, 1, 0, 0, 0, 0, 0, 0])
  assert.equal(columns[1].nums![1], 0.5)
  assert.deepEqual([...columns[2].flags!], [0, 1, 0, 0, 0, 0, 0, 0])
  assert.deepEqual([...columns[3].flags!], [0, 0, 0, 0, 1, 0, 0, 0])
  assert.equal(columns[3].nums![4], 1.25)
  assert.deepEqual([...columns[4].flags!], [0, 0, 0, 0, 1, 0, 0, 0])
  assert.equal(columns[4].nums![4], 2.5)
  assert.deepEqual(slow, [
    ['_step', 2, 1.5, false],
    ['count', 2, 'seven', false],
    ['count', 3, 3, true],
  ])
})

test('transposers are compiled once per column list, and not past the widest', () => {
  assert.equal(transposerFor(['a', 'b']), transposerFor(['a', 'b']))
  assert.notEqual(transposerFor(['a', 'b']), transposerFor(['b', 'a']))
  const wide = Array.from({ length: MAX_TRANSPOSED_COLUMNS + 1 }, (_, i) => `m${i}`)
  assert.equal(transposerFor(wide), undefined)
  assert.ok(transposerFor(wide.slice(1)))
})

/** A builder over `names`, every column undeclared unless typed here. */
function builder(
  names: string[],
  transpose: boolean,
  declared: Record<string, ColumnType> = {},
  strict = false,
): RowGroupBuilder {
  const group = new RowGroupBuilder({
    rowGroupSize: 10_000,
    rowGroupCells: 10_000_000,
    declared,
    strict,
    transpose,
  })
  group.sync(names)
  return group
}

/** The group's columns as plain values, to compare two builders. */
function values(group: RowGroupBuilder): unknown[] {
  return group.columnData('string').map((c: GroupColumn) => ({
    name: c.name,
    data: Array.from(c.data, (v) => v instanceof Uint8Array ? [...v] : v),
  }))
}

/** Mixed rows: numbers, float spellings, strings, booleans, nested values, nulls, missing keys. */
function mixedRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const row: Row = { _step: i, loss: 1 / (i + 1), acc: i % 3 === 0 ? null : i / n, epoch: i >> 4 }
    if (i % 5 !== 0) row.lr = 0.001
    if (i === 150) row.epoch = 'warmup' // epoch widens to JSON mid-group
    if (i >= 200) row.flag = i % 2 === 0
    if (i === 250) row.flag = { nested: [1, 2] }
    if (i % 7 === 0) {
      row.whole = 4
      setFloatKeys(row, ['whole']) // spelled 4.0: the column becomes DOUBLE
    } else row.whole = 3
    return row
  })
}

test('dense rows go through the transposer to the same columns as key by key', () => {
  const names = ['_step', 'acc', 'epoch', 'flag', 'loss', 'lr', 'whole']
  const rows = mixedRows(400)
  const fast = builder(names, true, { _step: 'int', loss: 'double' })
  const slow = builder(names, false, { _step: 'int', loss: 'double' })
  for (let at = 0; at < rows.length; at += 37) {
    fast.append(rows, at, Math.min(rows.length, at + 37))
    slow.append(rows, at, Math.min(rows.length, at + 37))
  }
  assert.equal(fast.transposing, true)
  assert.equal(slow.transposing, false)
  assert.deepEqual(fast.kinds, ['int', 'double', 'json', 'json', 'double', 'double', 'double'])
  assert.deepEqual(fast.kinds, slow.kinds)
  assert.deepEqual(values(fast), values(slow))
})

test('a declared column still refuses a wider value through the transposer', () => {
  const group = builder(['_step', 'loss'], true, { _step: 'int', loss: 'double' }, true)
  const rows: Row[] = Array.from({ length: 100 }, (_, i) => ({ _step: i, loss: i / 2 }))
  group.append(rows, 0, 100)
  assert.equal(group.transposing, true)
  assert.throws(
    () => group.append([{ _step: 100, loss: 'NaN?' }], 0, 1),
    /Cannot write "NaN\?" to Parquet column "loss" declared as double/,
  )
})

test('sparse rows are walked key by key, and the builder switches as density changes', () => {
  const names = Array.from({ length: 40 }, (_, i) => `m${String(i).padStart(2, '0')}`)
  const sparse = (from: number, n: number): Row[] =>
    Array.from({ length: n }, (_, i) => ({ [names[(from + i) % 40]]: i, m00: 1 }))
  const dense = (n: number): Row[] =>
    Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((name) => [name, i])))
  const group = builder(names, true)
  const reference = builder(names, false)
  const feed = (rows: Row[]) => {
    group.append(rows, 0, rows.length)
    reference.append(rows, 0, rows.length)
  }
  feed(sparse(0, 200))
  assert.equal(group.transposing, false, 'two keys of 40 a row: walk the keys')
  feed(dense(100))
  assert.equal(group.transposing, true, 'every key set: compiled')
  feed(sparse(3, 100))
  assert.equal(group.transposing, false, 'sparse again: back to walking')
  assert.deepEqual(values(group), values(reference))
})

test('where compiling code is forbidden there is no transposer, and wide rows walk their keys', () => {
  const forbidden = new Proxy(Function, {
    construct() {
      throw new EvalError('Refused to evaluate a string as JavaScript (Content-Security-Policy)')
    },
  })
  assert.ok(compileTransposer(['_step', 'loss']))
  assert.equal(compileTransposer(['_step', 'loss'], forbidden), undefined)
  // A group the transposer cannot serve (here: too wide) keeps walking keys, and keeps every cell.
  const names = Array.from({ length: MAX_TRANSPOSED_COLUMNS + 1 }, (_, i) => `m${i}`)
  const group = builder(names, true)
  const rows: Row[] = Array.from(
    { length: 100 },
    (_, i) => Object.fromEntries(names.map((name, k) => [name, i * k + 0.5])),
  )
  group.append(rows, 0, 100)
  group.append(rows, 0, 100)
  assert.equal(group.transposing, false)
  assert.deepEqual(values(group).at(-1), {
    name: names.at(-1),
    data: [...rows, ...rows].map((row) => row[names.at(-1)!]),
  })
})
