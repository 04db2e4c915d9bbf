/**
 * Parquet schema elements for the exporter's column kinds. Every column is OPTIONAL (nullable).
 *
 * | kind | Parquet column |
 * |---|---|
 * | int | INT64 |
 * | double | DOUBLE (NaN and ±Infinity stored as IEEE values) |
 * | bool | BOOLEAN |
 * | string | BYTE_ARRAY, STRING |
 * | json | BYTE_ARRAY, JSON (or STRING with `jsonColumns: 'string'`) |
 * | null (never a value) | DOUBLE, all null |
 *
 * JSON columns are written as raw UTF-8 bytes under the JSON logical type and get the JSON
 * converted type only just before the footer is written (`markJsonColumns`): hyparquet-writer
 * re-serializes values through `JSON.stringify` (turning NaN into null) when the converted type
 * is set during writing, and readers such as DuckDB need it in the footer to see a JSON column.
 *
 * @module
 */
import type { SchemaElement } from 'hyparquet'
import type { ColumnKind, ColumnType } from './column_kind.ts'

/** How JSON-kind columns are typed: Parquet JSON (DuckDB reads JSON) or plain STRING (polars reads str). */
export type JsonColumns = 'json' | 'string'

/** The physical kind written for a column kind: `null` becomes `double`. */
export function physicalKind(kind: ColumnKind): ColumnType {
  return kind === 'null' ? 'double' : kind
}

/** The schema element of one column. */
export function schemaElement(
  name: string,
  kind: ColumnType,
  jsonColumns: JsonColumns,
): SchemaElement {
  const repetition_type = 'OPTIONAL'
  switch (kind) {
    case 'int':
      return { name, repetition_type, type: 'INT64' }
    case 'double':
      return { name, repetition_type, type: 'DOUBLE' }
    case 'bool':
      return { name, repetition_type, type: 'BOOLEAN' }
    case 'json':
      if (jsonColumns === 'json') {
        return { name, repetition_type, type: 'BYTE_ARRAY', logical_type: { type: 'JSON' } }
      }
      // JSON text written as a STRING column (jsonColumns 'string'): the string case below.
      // falls through
    case 'string':
      return {
        name,
        repetition_type,
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: { type: 'STRING' },
      }
  }
}

/** A whole flat schema (root first) for columns and their physical kinds. */
export function buildSchema(
  names: readonly string[],
  kinds: readonly ColumnType[],
  jsonColumns: JsonColumns,
): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: 'root', num_children: names.length }]
  for (let j = 0; j < names.length; j++) schema.push(schemaElement(names[j], kinds[j], jsonColumns))
  return schema
}

/** Adds the JSON converted type to JSON columns; call after the last row group, before finish(). */
export function markJsonColumns(schema: SchemaElement[]): void {
  for (const element of schema) {
    if (element.logical_type?.type === 'JSON') element.converted_type = 'JSON'
  }
}
