/**
 * Single-run exports with the columns known up front (`history_types.ts`): CSV and Parquet
 * stream (the header or schema comes first, memory is one batch or row group) instead of
 * holding rows until the end. Rows are checked against the declared columns on the way
 * (`schema_guard.ts`); when one does not fit (a key `historyKeys` did not list yet, or a type it
 * did not report), the partial file is discarded and the rows are read again with inferred
 * columns, so nothing is lost.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { formatFromPath } from './exporter.ts'
import type { ColumnSchema } from './history_types.ts'
import { SchemaDriftError, schemaGuard } from './schema_guard.ts'
import { type ExportResult, exportToPath, type ExportToPathOptions } from './write_to_path.ts'

/** Options of {@linkcode exportTypedToPath}. */
export interface TypedExportOptions extends ExportToPathOptions {
  /** The columns and types the rows are expected to have. @default none: plain {@linkcode exportToPath} */
  schema?: ColumnSchema
  /** Called when the rows did not fit the schema, before they are read again. */
  onDrift?: (error: SchemaDriftError) => void
}

/**
 * Exports the rows `open()` gives to `path` with `schema`'s columns, streaming; if they drift
 * from it, opens them again and exports with inferred columns (the schema's types then only
 * seed inference and float spelling).
 */
export async function exportTypedToPath(
  open: () => ReadableStream<Row[]>,
  path: string,
  options: TypedExportOptions = {},
): Promise<ExportResult> {
  const { schema, onDrift, ...rest } = options
  const format = rest.format ?? formatFromPath(path)
  const typed = schema !== undefined && (rest.layout ?? 'wide') === 'wide' && !rest.columns
  if (!typed || format === 'ndjson' || format === undefined) {
    return exportToPath(open(), path, { ...rest, types: schema?.types ?? rest.types })
  }
  return await writeWithSchema(
    open,
    schema,
    { flatten: rest.flatten ?? true, onDrift },
    (rows, typed) => exportToPath(rows, path, { ...rest, ...typed }),
  )
}

/** The column options of one write by {@linkcode writeWithSchema}: the schema's, or inferred after a drift. */
export interface SchemaWrite {
  /** The schema's columns; absent when writing again with inferred columns. */
  columns?: string[]
  /** The schema's types (after a drift they only seed inference and float spelling). */
  types: ColumnSchema['types']
  /** `false` while the guard has already flattened the rows. */
  flatten?: false
}

/**
 * Writes the rows `open()` gives through `write` with `schema`'s columns, checked on the way
 * (`schema_guard.ts`); when they drift from it, calls `onDrift` and writes the rows of a second
 * `open()` with inferred columns.
 */
export async function writeWithSchema<T>(
  open: () => ReadableStream<Row[]>,
  schema: ColumnSchema,
  options: { flatten: boolean; onDrift?: (error: SchemaDriftError) => void },
  write: (rows: ReadableStream<Row[]>, typed: SchemaWrite) => Promise<T>,
): Promise<T> {
  try {
    const rows = open().pipeThrough(schemaGuard(schema.types, options.flatten))
    return await write(rows, { columns: schema.columns, types: schema.types, flatten: false })
  } catch (err) {
    if (!(err instanceof SchemaDriftError)) throw err
    options.onDrift?.(err)
    return await write(open(), { types: schema.types })
  }
}
