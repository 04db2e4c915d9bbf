import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ARTIFACT_COLUMNS, artifactTableRow } from '../../src/bulk/artifact_rows.ts'

test('artifactTableRow keeps the columns and writes lists and metadata as JSON text', () => {
  const row = Object.fromEntries(ARTIFACT_COLUMNS.map((c) => [c, null]))
  const out = artifactTableRow({
    ...row,
    name: 'model:v3',
    aliases: ['latest', 'best'],
    tags: [],
    metadata: { epochs: 3, nested: { a: 1 } },
  })
  assert.deepEqual(Object.keys(out), Object.keys(row))
  assert.equal(out.name, 'model:v3')
  assert.equal(out.aliases, '["latest","best"]')
  assert.equal(out.tags, '[]')
  assert.equal(out.metadata, '{"epochs":3,"nested":{"a":1}}')
})

test('artifactTableRow writes missing lists as [] and missing metadata as null', () => {
  const out = artifactTableRow({ name: 'data:v0', aliases: null, metadata: null })
  assert.equal(out.aliases, '[]')
  assert.equal(out.tags, '[]')
  assert.equal(out.metadata, null)
})
