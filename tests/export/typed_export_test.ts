import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { SchemaDriftError } from '../../src/export/schema_guard.ts'
import { exportTypedToPath, writeWithSchema } from '../../src/export/typed_export.ts'
import type { Row } from '../../src/row.ts'
import { tempFolder } from './_helpers.ts'

const schema = {
  columns: ['_step', 'loss', 'count'],
  types: { _step: 'int', loss: 'double', count: 'int' } as const,
}

function opener(rows: Row[][]): { open: () => ReadableStream<Row[]>; opened: () => number } {
  let n = 0
  return {
    open: () => {
      n++
      return ReadableStream.from(rows)
    },
    opened: () => n,
  }
}

test('with a schema, CSV streams with its header and writes floats of double columns as floats', async () => {
  const { dir, cleanup } = tempFolder()
  try {
    const { open, opened } = opener([[{ _step: 0, loss: 1, count: 3 }], [{ _step: 1, loss: 0.5 }]])
    const path = join(dir, 'h.csv')
    const result = await exportTypedToPath(open, path, {
      schema: { ...schema, types: { ...schema.types } },
    })
    assert.equal(result.rows, 2)
    assert.equal(readFileSync(path, 'utf8'), '_step,loss,count\n0,1.0,3\n1,0.5,\n')
    assert.equal(opened(), 1)
  } finally {
    cleanup()
  }
})

test('rows that drift from the schema are read again with inferred columns; nothing is lost', async () => {
  const { dir, cleanup } = tempFolder()
  try {
    const { open, opened } = opener([[{ _step: 0, loss: 1 }], [{
      _step: 1,
      loss: 'diverged',
      late: 2,
    }]])
    const path = join(dir, 'h.csv')
    const drifts: SchemaDriftError[] = []
    await exportTypedToPath(open, path, {
      schema: { ...schema, types: { ...schema.types } },
      onDrift: (err) => drifts.push(err),
    })
    assert.equal(opened(), 2)
    assert.equal(drifts[0].column, 'loss')
    assert.equal(readFileSync(path, 'utf8'), '_step,loss,late\n0,1.0,\n1,diverged,2\n')
    assert.deepEqual(readdirSync(dir), ['h.csv'], 'the partial file is gone')
  } finally {
    cleanup()
  }
})

test('with a schema, Parquet reaches the file while the source runs, a few row groups behind it', async () => {
  const { dir, cleanup } = tempFolder()
  try {
    const groupRows = 100
    const total = 40 * groupRows
    let produced = 0
    // Bytes in the output's temporary file each time the source is asked for more rows.
    const seen: { produced: number; bytes: number }[] = []
    const outputBytes = () =>
      readdirSync(dir).filter((n) => n.startsWith('.wbx-out-'))
        .reduce((sum, n) => sum + statSync(join(dir, n)).size, 0)
    const open = () =>
      new ReadableStream<Row[]>({
        pull(controller) {
          seen.push({ produced, bytes: outputBytes() })
          if (produced >= total) return controller.close()
          const batch: Row[] = []
          for (let i = 0; i < 50; i++, produced++) {
            batch.push({ _step: produced, loss: produced / 7, count: produced })
          }
          controller.enqueue(batch)
        },
      }, { highWaterMark: 0 })
    const path = join(dir, 'h.parquet')
    const result = await exportTypedToPath(open, path, {
      schema: { ...schema, types: { ...schema.types } },
      rowGroupSize: groupRows,
    })
    assert.equal(result.rows, total)
    // Backpressure, not timing: once the source is 4 row groups ahead, the first group is on disk.
    const early = seen.find((s) => s.produced === 4 * groupRows)!
    assert.ok(early.bytes > 0, `no output bytes after ${early.produced} of ${total} rows`)
    // And the bytes keep pace: at each pull the file holds all but the last few groups.
    const full = statSync(path).size
    const half = seen.find((s) => s.produced === total / 2)!
    assert.ok(half.bytes > full / 3, `${half.bytes} of ${full} bytes at half the rows`)
  } finally {
    cleanup()
  }
})

test('writeWithSchema writes once with the schema, or again with inferred columns after a drift', async () => {
  const drain = async (rows: ReadableStream<Row[]>) => {
    const out: Row[] = []
    for await (const batch of rows) out.push(...batch)
    return out
  }
  const fitting = opener([[{ _step: 0, loss: 0.5, count: 1 }]])
  const calls: unknown[] = []
  const rows = await writeWithSchema(fitting.open, schema, { flatten: true }, async (r, typed) => {
    calls.push(typed)
    return await drain(r)
  })
  assert.deepEqual(rows, [{ _step: 0, loss: 0.5, count: 1 }])
  assert.deepEqual(calls, [{ columns: schema.columns, types: schema.types, flatten: false }])

  const drifting = opener([[{ _step: 0, loss: 0.5 }], [{ _step: 1, extra: 'x' }]])
  const seen: unknown[] = []
  const drifts: string[] = []
  const again = await writeWithSchema(drifting.open, schema, {
    flatten: true,
    onDrift: (err) => drifts.push(err.name),
  }, async (r, typed) => {
    seen.push(typed)
    return await drain(r)
  })
  assert.equal(drifting.opened(), 2)
  assert.deepEqual(drifts, ['SchemaDriftError'])
  assert.deepEqual(seen, [
    { columns: schema.columns, types: schema.types, flatten: false },
    { types: schema.types },
  ])
  assert.deepEqual(again, [{ _step: 0, loss: 0.5 }, { _step: 1, extra: 'x' }])
})
