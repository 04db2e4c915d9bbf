/**
 * Format selection: the format a path's extension names, and one factory for all exporters.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { type CsvOptions, toCsv } from './csv.ts'
import type { ExportStream } from './export_stream.ts'
import { LONG_LAYOUT_TYPES, toLongLayout } from './long_layout.ts'
import { type NdjsonOptions, toNdjson } from './ndjson.ts'
import type { ParquetCodec } from './parquet_codec.ts'
import { type ParquetOptions, toParquet } from './parquet.ts'

/** An output format. */
export type ExportFormat = 'ndjson' | 'csv' | 'parquet'

/** Every output format. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ndjson', 'csv', 'parquet']

/** Row layout: `wide` (one row per step, one column per key) or `long` (one row per step and key). */
export type ExportLayout = 'wide' | 'long'

/**
 * Options for any format; each exporter reads the ones that apply to it (`nan` is NDJSON's,
 * `lineEnding`/`bom`/`infinity`/`memoryBytes` are CSV's, `types`/`codec`/`rowGroupSize`/
 * `rowGroupCells`/`jsonColumns`/`metadata` are Parquet's) and ignores the rest.
 */
export interface ExporterOptions
  extends NdjsonOptions, Omit<CsvOptions, 'flatten'>, Omit<ParquetOptions, 'codec' | 'flatten'> {
  /** Flatten nested objects into dotted keys. @default false for NDJSON, true for CSV and Parquet */
  flatten?: boolean
  /** Parquet codec name (checked at run time: snappy, zstd, gzip, uncompressed). @default 'snappy' */
  codec?: ParquetCodec | string
  /** Row layout; `long` runs rows through {@linkcode toLongLayout} first. @default 'wide' */
  layout?: ExportLayout
}

/** The format named by a path's extension (`.ndjson`/`.jsonl`, `.csv`, `.parquet`), case-insensitive. */
export function formatFromPath(path: string): ExportFormat | undefined {
  const match = /\.([a-z]+)$/i.exec(path)
  switch (match?.[1].toLowerCase()) {
    case 'ndjson':
    case 'jsonl':
      return 'ndjson'
    case 'csv':
      return 'csv'
    case 'parquet':
      return 'parquet'
    default:
      return undefined
  }
}

/** Creates the exporter for a format; throws a RangeError for an unknown format or option value. */
export function createExporter(format: ExportFormat, options: ExporterOptions = {}): ExportStream {
  const { layout = 'wide', ...rest } = options
  if (layout !== 'wide' && layout !== 'long') {
    throw new RangeError(`Cannot export with layout "${layout}": use "wide" or "long"`)
  }
  if (layout === 'long') {
    const long = toLongLayout({ flatten: rest.flatten })
    const inner = createExporter(format, {
      ...rest,
      flatten: false,
      columns: ['_step', 'key', 'value', 'value_json'],
      // Parquet needs the column types; text formats keep each value's own int/float spelling.
      types: format === 'parquet' ? { ...LONG_LAYOUT_TYPES, ...rest.types } : rest.types,
    })
    return {
      writable: long.writable,
      readable: long.readable.pipeThrough<Uint8Array>(inner),
      settled: inner.settled,
    }
  }
  switch (format) {
    case 'ndjson':
      return toNdjson(rest)
    case 'csv':
      return toCsv(rest)
    case 'parquet':
      return toParquet(rest as ParquetOptions)
    default:
      throw new RangeError(`Cannot export to format "${format}": use "ndjson", "csv" or "parquet"`)
  }
}

/** A pass-through stream that counts rows into `counter.rows`. */
export function countRows(counter: { rows: number }): TransformStream<Row | Row[], Row[]> {
  return new TransformStream<Row | Row[], Row[]>({
    transform(chunk, controller) {
      const rows = Array.isArray(chunk) ? chunk : [chunk]
      counter.rows += rows.length
      controller.enqueue(rows)
    },
  })
}
