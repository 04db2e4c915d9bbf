import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  buildSchema,
  markJsonColumns,
  physicalKind,
  schemaElement,
} from '../../src/export/parquet_schema.ts'

test('physicalKind writes never-valued columns as double', () => {
  assert.equal(physicalKind('null'), 'double')
  assert.equal(physicalKind('string'), 'string')
})

test('schemaElement maps each kind to an OPTIONAL Parquet column', () => {
  assert.deepEqual(schemaElement('s', 'int', 'json'), {
    name: 's',
    repetition_type: 'OPTIONAL',
    type: 'INT64',
  })
  assert.equal(schemaElement('x', 'double', 'json').type, 'DOUBLE')
  assert.equal(schemaElement('b', 'bool', 'json').type, 'BOOLEAN')
  const text = {
    name: 't',
    repetition_type: 'OPTIONAL',
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    logical_type: { type: 'STRING' },
  }
  assert.deepEqual(schemaElement('t', 'string', 'json'), text)
  assert.deepEqual(schemaElement('t', 'json', 'string'), text)
  assert.deepEqual(schemaElement('j', 'json', 'json'), {
    name: 'j',
    repetition_type: 'OPTIONAL',
    type: 'BYTE_ARRAY',
    logical_type: { type: 'JSON' },
  })
})

test('buildSchema puts the root first; markJsonColumns adds JSON only to JSON columns', () => {
  const schema = buildSchema(['_step', 'media', 'name'], ['int', 'json', 'string'], 'json')
  assert.deepEqual(schema[0], { name: 'root', num_children: 3 })
  assert.deepEqual(schema.map((e) => e.name), ['root', '_step', 'media', 'name'])
  assert.equal(schema[2].converted_type, undefined)
  markJsonColumns(schema)
  assert.equal(schema[2].converted_type, 'JSON')
  assert.equal(schema[3].converted_type, 'UTF8')
  assert.equal(schema[1].converted_type, undefined)
})
