/**
 * The open row group (parquet_group.ts), through the Parquet exporter that owns it: how many rows
 * a group takes (rowGroupSize, rowGroupCells) and how a column's kind widens inside one group.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet'
import { type ParquetOptions, toParquet } from '../../src/export/parquet.ts'
import type { Row } from '../../src/row.ts'
import { exportBytes, parquetColumns, readParquet, tempFolder } from './_helpers.ts'

/** Rows per row group of a Parquet file. */
async function groupRows(path: string): Promise<number[]> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path))
  return metadata.row_groups.map((g) => Number(g.num_rows))
}

async function withFile(
  input: Row[][],
  options: ParquetOptions,
  check: (path: string) => Promise<void>,
) {
  const { dir, cleanup } = tempFolder()
  try {
    const path = join(dir, 'out.parquet')
    writeFileSync(path, await exportBytes(toParquet({ tempDir: dir, ...options }), input))
    await check(path)
  } finally {
    cleanup()
  }
}

const rows = (n: number, extra: (i: number) => Row = () => ({})): Row[] =>
  Array.from({ length: n }, (_, i) => ({ _step: i, loss: 1 / (i + 1), ...extra(i) }))

test('a group holds rowGroupSize rows, whatever the batch sizes', async () => {
  const all = rows(10)
  await withFile(
    [all.slice(0, 4), all.slice(4, 8), all.slice(8)],
    { rowGroupSize: 3 },
    async (path) => {
      assert.deepEqual(await groupRows(path), [3, 3, 3, 1])
      assert.deepEqual((await readParquet(path)).map((r) => Number(r._step)), [...Array(10).keys()])
    },
  )
})

test('a group holds at most rowGroupCells cells: wide rows make shorter groups', async () => {
  const wide = rows(9, (i) => ({ a: i, b: i * 2 }))
  await withFile([wide], { rowGroupSize: 100, rowGroupCells: 8 }, async (path) => {
    assert.deepEqual(await groupRows(path), [2, 2, 2, 2, 1], '4 columns: 2 rows per 8 cells')
    const back = await readParquet(path)
    assert.equal(back.length, 9)
    assert.equal(Number(back[8].b), 16)
  })
})

test('inside one group a column widens from int to double, and from a mix to JSON', async () => {
  const mixed: Row[] = [
    { _step: 0, n: 1, m: 1, s: 'x' },
    { _step: 1, n: 2.5, m: 'two', s: null },
    { _step: 2, n: 3, m: [3, 'three'], s: 'z' },
  ]
  await withFile([mixed], {}, async (path) => {
    assert.deepEqual(await groupRows(path), [3])
    const types = Object.fromEntries(
      (await parquetColumns(path)).map((c) => [c.name, `${c.type}/${c.logical}`]),
    )
    assert.deepEqual(types, {
      _step: 'INT64/undefined',
      n: 'DOUBLE/undefined',
      m: 'BYTE_ARRAY/JSON',
      s: 'BYTE_ARRAY/STRING',
    })
    const back = await readParquet(path)
    assert.deepEqual(back.map((r) => r.n), [1, 2.5, 3])
    assert.deepEqual(back.map((r) => r.m), [1, 'two', [3, 'three']])
    assert.deepEqual(back.map((r) => r.s), ['x', null, 'z'])
  })
})
