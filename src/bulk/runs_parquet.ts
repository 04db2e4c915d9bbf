/**
 * The runs table as Parquet with logical types readers understand: run identity as STRING,
 * `created_at`/`updated_at` as TIMESTAMP (UTC, milliseconds), `tags` as LIST<STRING>, counts as
 * INT64, then `config` and `summary` whole as JSON and flattened into `config.*`/`summary.*`
 * columns typed by the exporter's widening rules (`column_kind.ts`). `run_id` joins with the
 * `run_id` Hive partition of `history/`. The table is one row per run, so it is built in memory
 * and written as one row group; an `ARROW:schema` footer entry keeps polars from reading JSON
 * columns as bytes.
 *
 * @module
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import type { SchemaElement } from 'hyparquet'
import { type ArrowField, arrowSchemaBase64, type ArrowType } from '../export/arrow_schema.ts'
import { type ColumnKind, kindOf, widenKind } from '../export/column_kind.ts'
import { flattenRow } from '../export/flatten.ts'
import { jsonText } from '../export/json_text.ts'
import { codecSetup } from '../export/parquet_codec.ts'
import { markJsonColumns, schemaElement } from '../export/parquet_schema.ts'
import type { Row } from '../row.ts'
import { VERSION } from '../version.ts'
import { timeMs } from './since.ts'

/** The fixed leading columns and how each is typed. */
const FIXED: readonly [string, 'string' | 'timestamp' | 'list' | 'int' | 'json'][] = [
  ['run_id', 'string'],
  ['name', 'string'],
  ['state', 'string'],
  ['tags', 'list'],
  ['group', 'string'],
  ['job_type', 'string'],
  ['created_at', 'timestamp'],
  ['updated_at', 'timestamp'],
  ['history_line_count', 'int'],
  ['last_history_step', 'int'],
]

/** One column ready for the writer. */
interface Column {
  element: SchemaElement[]
  arrow: ArrowType
  data: unknown[]
  json: boolean
}

const encoder = new TextEncoder()

/** A STRING column. */
function stringColumn(name: string, values: unknown[]): Column {
  const data = values.map((v) => (v === null || v === undefined ? null : String(v)))
  return { element: [schemaElement(name, 'string', 'json')], arrow: 'utf8', data, json: false }
}

/** A TIMESTAMP(UTC, MILLIS) column from ISO texts (W&B's times without a zone are UTC). */
function timestampColumn(name: string, values: unknown[]): Column {
  const data = values.map((v) => {
    const ms = typeof v === 'string' ? timeMs(v) : NaN
    return Number.isFinite(ms) ? BigInt(ms) : null
  })
  const element: SchemaElement = {
    name,
    repetition_type: 'OPTIONAL',
    type: 'INT64',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  }
  return { element: [element], arrow: 'timestamp-ms-utc', data, json: false }
}

/** A LIST<STRING> column (three-level list, as the Parquet spec writes it). */
function listColumn(name: string, values: unknown[]): Column {
  const data = values.map((v) => (Array.isArray(v) ? v.map(String) : null))
  const element: SchemaElement[] = [
    {
      name,
      repetition_type: 'OPTIONAL',
      num_children: 1,
      converted_type: 'LIST',
      logical_type: { type: 'LIST' },
    },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    {
      name: 'element',
      repetition_type: 'OPTIONAL',
      type: 'BYTE_ARRAY',
      converted_type: 'UTF8',
      logical_type: { type: 'STRING' },
    },
  ]
  return { element, arrow: 'list-utf8', data, json: false }
}

/**
 * A column of values typed by the widening rules (int, double, bool, string or JSON); `alsoSeen`
 * values (other shards' runs) widen the type without being written.
 */
function inferredColumn(
  name: string,
  values: unknown[],
  forceJson = false,
  alsoSeen: unknown[] = [],
): Column {
  let kind: ColumnKind = forceJson ? 'json' : 'null'
  if (!forceJson) {
    for (const v of values) kind = widenKind(kind, kindOf(v))
    for (const v of alsoSeen) kind = widenKind(kind, kindOf(v))
  }
  const type = kind === 'null' ? 'double' : kind
  const data = values.map((v) => {
    if (v === null || v === undefined) return null
    switch (type) {
      case 'int':
        return BigInt(v as number)
      case 'double':
        return Number(v)
      case 'json':
        return encoder.encode(jsonText(v, 'string'))
      default:
        return v
    }
  })
  const arrow: ArrowType = type === 'int'
    ? 'int64'
    : type === 'double'
    ? 'double'
    : type === 'bool'
    ? 'bool'
    : 'utf8'
  return { element: [schemaElement(name, type, 'json')], arrow, data, json: type === 'json' }
}

/** Compares strings by code point (locale-independent, so every machine orders alike). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Flattened copies of nested objects (`{}` for anything else). */
function flatten(nested: unknown[]): Row[] {
  return nested.map((v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? flattenRow(v as Row) : {}
  )
}

/**
 * The flattened `prefix.*` columns of one nested field over all rows (and the `others`' keys),
 * in code-point order.
 */
function flattenedColumns(prefix: string, nested: unknown[], others: unknown[]): Column[] {
  const flat = flatten(nested)
  const seen = flatten(others)
  const names = new Set<string>()
  for (const row of [...flat, ...seen]) for (const key in row) names.add(key)
  return [...names].sort(byCodePoint).map((key) =>
    inferredColumn(
      `${prefix}.${key}`,
      flat.map((row) => row[key]),
      false,
      seen.map((row) => row[key]),
    )
  )
}

/**
 * The runs table's Parquet bytes for rows built by `runsTableRow` (already sorted); the config
 * and summary keys of `columnsFrom` rows (other shards' runs) become columns too, so every
 * shard's table has the same schema.
 */
export async function runsTableParquet(
  rows: Row[],
  options: { codec?: string; configSummary: boolean; columnsFrom?: Row[] },
): Promise<Uint8Array> {
  const columns: Column[] = []
  for (const [name, kind] of FIXED) {
    const values = rows.map((r) => r[name])
    if (kind === 'string') columns.push(stringColumn(name, values))
    else if (kind === 'timestamp') columns.push(timestampColumn(name, values))
    else if (kind === 'list') columns.push(listColumn(name, values))
    else columns.push(inferredColumn(name, values))
  }
  if (options.configSummary) {
    for (const field of ['config', 'summary']) {
      const values = rows.map((r) => r[field] ?? null)
      columns.push(inferredColumn(field, values, true))
      const others = (options.columnsFrom ?? []).map((r) => r[field] ?? null)
      columns.push(...flattenedColumns(field, values, others))
    }
  }
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }]
  for (const c of columns) schema.push(...c.element)
  const fields: ArrowField[] = columns.map((c) => ({ name: c.element[0].name, type: c.arrow }))
  const codec = codecSetup(options.codec ?? 'snappy')
  await codec.ready
  const out = new ByteWriter()
  const writer = new ParquetWriter({
    writer: out,
    schema,
    codec: codec.codec,
    compressors: codec.compressors,
    kvMetadata: [{ key: 'ARROW:schema', value: arrowSchemaBase64(fields) }],
    createdBy: `wbx version ${VERSION}`,
  })
  const columnData = columns.map((c) => ({
    name: c.element[0].name,
    data: c.data,
    ...(c.json ? { statistics: false } : {}),
  }))
  // deno-lint-ignore no-explicit-any
  await writer.write({ columnData: columnData as any, rowGroupSize: Math.max(rows.length, 1) })
  markJsonColumns(writer.schema)
  await writer.finish()
  return new Uint8Array(out.getBuffer())
}
