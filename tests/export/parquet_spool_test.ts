/**
 * The spool (parquet_spool.ts), through the Parquet exporter that owns it: row groups written
 * before the schema changed are joined with the later ones into one file of the widest schema,
 * every row kept, no temporary file left.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { toParquet } from '../../src/export/parquet.ts'
import type { Row } from '../../src/row.ts'
import {
  batches,
  exportBytes,
  listFolder,
  parquetColumns,
  parquetRowGroups,
  readParquet,
  tempFolder,
} from './_helpers.ts'

/** Exports `rows` in one-row batches with two-row groups; returns the file's columns and rows. */
async function spooled(rows: Row[]) {
  const { dir, cleanup } = tempFolder()
  try {
    const path = join(dir, 'out.parquet')
    writeFileSync(
      path,
      await exportBytes(toParquet({ tempDir: dir, rowGroupSize: 2 }), batches(rows, 1)),
    )
    assert.deepEqual(await listFolder(dir), ['out.parquet'], 'every spool file is removed')
    return {
      groups: await parquetRowGroups(path),
      types: Object.fromEntries(
        (await parquetColumns(path)).map((c) => [c.name, `${c.type}/${c.logical}`]),
      ),
      rows: await readParquet(path),
    }
  } finally {
    cleanup()
  }
}

test('a column first seen in a later group joins the file; earlier rows hold null', async () => {
  const out = await spooled([
    { _step: 0, loss: 1.5 },
    { _step: 1, loss: 1.25 },
    { _step: 2, loss: 1.0, acc: 0.5 },
    { _step: 3, loss: 0.75, acc: 0.75 },
    { _step: 4, loss: 0.5, lr: 'cosine' },
  ])
  assert.equal(out.groups, 3)
  assert.deepEqual(out.types, {
    _step: 'INT64/undefined',
    loss: 'DOUBLE/undefined',
    acc: 'DOUBLE/undefined',
    lr: 'BYTE_ARRAY/STRING',
  })
  assert.deepEqual(out.rows.map((r) => r.acc ?? null), [null, null, 0.5, 0.75, null])
  assert.deepEqual(out.rows.map((r) => r.lr ?? null), [null, null, null, null, 'cosine'])
  assert.deepEqual(out.rows.map((r) => Number(r._step)), [0, 1, 2, 3, 4])
})

test('an int column widened in a later group is DOUBLE in every group, values exact', async () => {
  const out = await spooled([
    { _step: 0, n: 1 },
    { _step: 1, n: 2 },
    { _step: 2, n: 2.5 },
    { _step: 3, n: 9007199254740991 },
  ])
  assert.equal(out.types.n, 'DOUBLE/undefined')
  assert.deepEqual(out.rows.map((r) => r.n), [1, 2, 2.5, 9007199254740991])
})

test('a column that becomes a mix in a later group is JSON in every group', async () => {
  const out = await spooled([
    { _step: 0, v: 1 },
    { _step: 1, v: 2 },
    { _step: 2, v: 'three' },
    { _step: 3, v: [4] },
  ])
  assert.equal(out.types.v, 'BYTE_ARRAY/JSON')
  assert.deepEqual(out.rows.map((r) => r.v), [1, 2, 'three', [4]])
})
