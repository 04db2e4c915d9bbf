/**
 * The exporters: rows (`ReadableStream<Row[]>`) to NDJSON, CSV or Parquet bytes, and atomic
 * writes to files.
 *
 * @example Export a stream of row batches to Parquet
 * ```ts
 * import { exportToPath } from './mod.ts'
 * const rows = ReadableStream.from([[{ _step: 0, loss: 1.5 }, { _step: 1, loss: NaN }]])
 * await exportToPath(rows, 'history.parquet')
 * ```
 *
 * @module
 */
export { type CsvOptions, toCsv } from './csv.ts'
export type { CsvInfinity } from './csv_text.ts'
export type { ColumnType } from './column_kind.ts'
export type { ExportStream } from './export_stream.ts'
export {
  createExporter,
  EXPORT_FORMATS,
  type ExporterOptions,
  type ExportFormat,
  type ExportLayout,
  formatFromPath,
} from './exporter.ts'
export type { NanPolicy } from './json_text.ts'
export {
  LONG_LAYOUT_COLUMNS,
  LONG_LAYOUT_TYPES,
  type LongLayoutOptions,
  toLongLayout,
} from './long_layout.ts'
export { type NdjsonOptions, toNdjson } from './ndjson.ts'
export { type ParquetOptions, toParquet } from './parquet.ts'
export type { ParquetCodec } from './parquet_codec.ts'
export type { JsonColumns } from './parquet_schema.ts'
export {
  type ExportResult,
  exportToPath,
  type ExportToPathOptions,
  exportToWritable,
  type ExportToWritableOptions,
  writeToPath,
  type WriteToPathOptions,
} from './write_to_path.ts'
export { type ColumnSchema, historyColumnSchema } from './history_types.ts'
export { fitRows, SchemaDriftError, schemaGuard } from './schema_guard.ts'
export { exportTypedToPath, type TypedExportOptions } from './typed_export.ts'
