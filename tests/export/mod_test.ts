import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as mod from '../../src/export/mod.ts'
import { toCsv } from '../../src/export/csv.ts'
import { createExporter, EXPORT_FORMATS, formatFromPath } from '../../src/export/exporter.ts'
import {
  LONG_LAYOUT_COLUMNS,
  LONG_LAYOUT_TYPES,
  toLongLayout,
} from '../../src/export/long_layout.ts'
import { toNdjson } from '../../src/export/ndjson.ts'
import { toParquet } from '../../src/export/parquet.ts'
import { exportToPath, exportToWritable, writeToPath } from '../../src/export/write_to_path.ts'
import { historyColumnSchema } from '../../src/export/history_types.ts'
import { fitRows, SchemaDriftError, schemaGuard } from '../../src/export/schema_guard.ts'
import { exportTypedToPath } from '../../src/export/typed_export.ts'

test('export/mod.ts re-exports the export API, each from its own file', () => {
  const expected: Record<string, unknown> = {
    toCsv,
    createExporter,
    EXPORT_FORMATS,
    formatFromPath,
    LONG_LAYOUT_COLUMNS,
    LONG_LAYOUT_TYPES,
    toLongLayout,
    toNdjson,
    toParquet,
    exportToPath,
    exportToWritable,
    writeToPath,
    historyColumnSchema,
    fitRows,
    SchemaDriftError,
    schemaGuard,
    exportTypedToPath,
  }
  for (const [name, value] of Object.entries(expected)) {
    assert.equal((mod as Record<string, unknown>)[name], value, name)
  }
})

test('the formats and their file extensions', () => {
  assert.deepEqual(mod.EXPORT_FORMATS, ['ndjson', 'csv', 'parquet'])
  assert.equal(mod.formatFromPath('out/rows.JSONL'), 'ndjson')
  assert.equal(mod.formatFromPath('rows.csv'), 'csv')
  assert.equal(mod.formatFromPath('a.b.parquet'), 'parquet')
  assert.equal(mod.formatFromPath('rows.tsv'), undefined)
  assert.equal(mod.formatFromPath('rows'), undefined)
})
