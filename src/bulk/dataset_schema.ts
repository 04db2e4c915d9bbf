/**
 * One schema for the whole `history/` table of an export folder. Readers with default options
 * (pandas `read_parquet(dir)`, pyarrow datasets, polars `scan_parquet`, DuckDB `read_parquet`
 * without `union_by_name`, Spark without `mergeSchema`) take the schema of one file and apply it
 * to all, so a key only some runs log is lost unless every part file carries every column.
 *
 * The dataset schema is the union of every exported run's `historyKeys` (and of the previous
 * export's schema: it only grows), each key typed by widening its types across runs (see
 * `column_kind.ts`). Every part is written with it. When it grows (a new run or key on an
 * incremental rerun, or rows that `historyKeys` did not describe), the parts written with an
 * older schema are rewritten from their own files (see `unify_history.ts`); each part records the
 * id of the schema it was written with, so that check costs nothing per part.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { asyncBufferFromFile, parquetMetadataAsync, type SchemaElement } from 'hyparquet'
import { type ColumnKind, type ColumnType, widenKind } from '../export/column_kind.ts'
import { kindFromCounts } from '../export/history_types.ts'
import type { HistoryKeyTypes } from './bulk_source.ts'
import type { HistorySchema } from './history_schema.ts'

export { kindFromCounts }

/** A growing dataset schema: every column's kind (`null` while no run gave it a type). */
export type SchemaKinds = Record<string, ColumnKind>

/** Widens `into` with a column of another kind (adding it when new). */
export function addColumn(into: SchemaKinds, name: string, kind: ColumnKind): void {
  const had = into[name]
  into[name] = had === undefined ? kind : widenKind(had, kind)
}

/** Widens `into` with a run's `historyKeys`; with `selected` keys, only those (and their leaves). */
export function addHistoryKeys(
  into: SchemaKinds,
  keys: HistoryKeyTypes,
  selected?: string[],
): void {
  const known = Object.keys(keys)
  let names: string[] = known
  if (selected) {
    names = []
    for (const key of selected) {
      if (key in keys) names.push(key)
      else names.push(...known.filter((k) => k.startsWith(key + '.')))
    }
  }
  for (const name of names) {
    if (name !== '_step') addColumn(into, name, kindFromCounts(keys[name]?.typeCounts))
  }
}

/** Adds each selected key no run has (neither it nor a leaf `key.*`) as an all-null column. */
export function addMissingKeys(into: SchemaKinds, selected: string[] | undefined): void {
  for (const key of selected ?? []) {
    if (key === '_step' || key in into) continue
    if (!Object.keys(into).some((k) => k.startsWith(key + '.'))) into[key] = 'null'
  }
}

/** Widens `into` with a written schema (a part's columns and types). */
export function addSchema(into: SchemaKinds, schema: HistorySchema): void {
  for (const name of schema.columns) if (name !== '_step') addColumn(into, name, schema.types[name])
}

/** Compares strings by code point (locale-independent, so every machine orders alike). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The schema to write: `_step` (INT64) first, then every column in code-point order. */
export function schemaOf(kinds: SchemaKinds): HistorySchema {
  const names = Object.keys(kinds).filter((k) => k !== '_step').sort(byCodePoint)
  const types: Record<string, ColumnType> = { _step: 'int' }
  for (const name of names) {
    types[name] = kinds[name] === 'null' ? 'double' : kinds[name] as ColumnType
  }
  return { columns: ['_step', ...names], types }
}

/** The kinds of a written schema (to grow it further). */
export function kindsOf(schema: HistorySchema | undefined): SchemaKinds {
  const kinds: SchemaKinds = {}
  if (schema) addSchema(kinds, schema)
  return kinds
}

/** A short id of a schema (hex sha256 of its columns and types), recorded with each part. */
export function schemaId(schema: HistorySchema): string {
  const text = JSON.stringify(schema.columns.map((c) => [c, schema.types[c]]))
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/** Whether two schemas have the same columns, in the same order, with the same types. */
export function sameSchema(a: HistorySchema, b: HistorySchema): boolean {
  return schemaId(a) === schemaId(b)
}

/** The column type a Parquet schema element was written as. */
export function typeOfElement(element: SchemaElement): ColumnType {
  switch (element.type) {
    case 'INT64':
    case 'INT32':
      return 'int'
    case 'DOUBLE':
    case 'FLOAT':
      return 'double'
    case 'BOOLEAN':
      return 'bool'
    default:
      return element.logical_type?.type === 'JSON' || element.converted_type === 'JSON'
        ? 'json'
        : 'string'
  }
}

/** The columns and types of a Parquet part, read from its footer. */
export async function parquetPartSchema(path: string): Promise<HistorySchema> {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path))
  const columns: string[] = []
  const types: Record<string, ColumnType> = {}
  for (const element of metadata.schema.slice(1)) {
    columns.push(element.name)
    types[element.name] = typeOfElement(element)
  }
  return { columns, types }
}
