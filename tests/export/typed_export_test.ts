import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SchemaDriftError } from '../../src/export/schema_guard.ts'
import { exportTypedToPath } from '../../src/export/typed_export.ts'
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
