import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fitRows, SchemaDriftError, schemaGuard } from '../../src/export/schema_guard.ts'

const types = { _step: 'int', loss: 'double', 'eval.score': 'double', note: 'string' } as const

test('fitRows flattens rows and passes those that fit the declared types', () => {
  const rows = fitRows([{ _step: 0, loss: 1, eval: { score: 0.5 }, note: null }], { ...types })
  assert.deepEqual({ ...rows[0] }, { _step: 0, loss: 1, 'eval.score': 0.5, note: null })
})

test('a key outside the columns or a value of another type is a SchemaDriftError naming it', () => {
  assert.throws(
    () => fitRows([{ _step: 0, late: 1 }], { ...types }),
    (err) => err instanceof SchemaDriftError && err.column === 'late',
  )
  assert.throws(
    () => fitRows([{ _step: 1, loss: 'NaN?' }], { ...types }),
    /column "loss" holds a string value where double was declared/,
  )
})

test('schemaGuard errors the stream at the first row that drifts', async () => {
  const source = ReadableStream.from([[{ _step: 0, loss: 1 }], [{ _step: 1, note: 3 }]])
  const seen: unknown[] = []
  await assert.rejects(async () => {
    for await (const batch of source.pipeThrough(schemaGuard({ ...types }))) seen.push(batch)
  }, SchemaDriftError)
  assert.deepEqual(seen, [[{ _step: 0, loss: 1 }]])
})
