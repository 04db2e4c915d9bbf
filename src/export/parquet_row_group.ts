/**
 * One row group through hyparquet-writer's `ParquetWriter`, column by column: number columns the
 * row group builder holds in typed storage go through the fast path (`parquet_numeric.ts`), every
 * other column through hyparquet-writer's own `writeColumn`, and the group is recorded in the
 * writer exactly as `ParquetWriter.write` records it (row group, page indexes, row count), so
 * `finish()` writes the usual footer. The columns are encoded here ({@linkcode writeRowGroup}), or
 * by a worker thread through a {@linkcode GroupEncoder} (`parquet_workers.ts`,
 * {@linkcode sendRowGroup}, which returns as soon as the group is handed over, so the caller can
 * fill its next group while this one is encoded); either way the bytes are the same.
 *
 * @module
 */
import type { ColumnChunk, DecodedArray, SchemaElement } from 'hyparquet'
import type { ParquetWriter } from 'hyparquet-writer'
import { writeColumn } from 'hyparquet-writer/src/column.js'
import { encodeNestedValues } from 'hyparquet-writer/src/dremel.js'
import { schemaPathResolver } from 'hyparquet-writer/src/schema.js'
import type { GroupColumn } from './parquet_group.ts'
import {
  type ChunkResult,
  type ColumnEncoder,
  PAGE_SIZE,
  writeNumericColumn,
  type Writer,
} from './parquet_numeric.ts'
import { GrowingWriter } from './parquet_sink.ts'

/** How a file's columns are compressed and described, as the encoder needs them. */
export interface GroupSetup {
  /** The file's schema. */
  schema: SchemaElement[]
  /** The Parquet codec name (`writer.codec`). */
  codec: ColumnEncoder['codec']
  /** Compressors by codec name. */
  compressors: ColumnEncoder['compressors']
  /** Statistics by default. */
  statistics: boolean
  /** hyparquet-writer's statistics truncation. */
  statisticsTruncateLength?: number
}

/** Encodes a row group somewhere else (a worker) into bytes starting at file offset `offset`. */
export interface GroupEncoder {
  /**
   * Encodes `columns` (`rows` each) of the file `file`, whose setup is `setup`, placed at `offset`;
   * the columns are read before it returns, so the caller may reuse their storage at once.
   */
  encode(
    file: object,
    setup: GroupSetup,
    codecName: string,
    columns: readonly GroupColumn[],
    rows: number,
    offset: number,
    move?: boolean,
  ): Promise<{ bytes: Uint8Array; results: ChunkResult[] }>
}

/**
 * Writes `columns` (all of the schema's columns, in order, `rows` each) as one row group on this
 * thread; the caller may reuse their storage once it resolves.
 */
export async function writeRowGroup(
  writer: ParquetWriter,
  columns: readonly GroupColumn[],
  rows: number,
): Promise<void> {
  const out = writer.writer
  const groupStart = out.offset
  recordGroup(writer, encodeColumns(out, setupOf(writer), columns, rows), rows, groupStart)
  await out.flush?.()
}

/**
 * Hands a row group to the encoder workers; once this returns the columns are read (their storage
 * may be refilled, or with `move` is detached where it went to a worker), and the promise resolves
 * when the encoded group is in the writer. Nothing else may write to `writer` until then.
 */
export function sendRowGroup(
  writer: ParquetWriter,
  columns: readonly GroupColumn[],
  rows: number,
  encoder: { workers: GroupEncoder; file: object; codecName: string; move?: boolean },
): Promise<void> {
  const out = writer.writer
  const groupStart = out.offset
  const encoded = encoder.workers.encode(
    encoder.file,
    setupOf(writer),
    encoder.codecName,
    columns,
    rows,
    groupStart,
    encoder.move,
  )
  return encoded.then(async (done) => {
    if (out.offset !== groupStart) {
      throw new Error(
        `parquet row group encoded for offset ${groupStart} but the file is at ${out.offset}: a write went in between (a wbx bug; export again with --workers 0 and report it)`,
      )
    }
    out.appendBytes(done.bytes)
    recordGroup(writer, done.results, rows, groupStart)
    await out.flush?.()
  })
}

/** Records an encoded group (its bytes already written from `groupStart`) as ParquetWriter.write does. */
function recordGroup(
  writer: ParquetWriter,
  results: ChunkResult[],
  rows: number,
  groupStart: number,
): void {
  const chunks: ColumnChunk[] = []
  for (const result of results) {
    chunks.push(result.chunk)
    writer.pendingIndexes.push(result)
  }
  let total_byte_size = 0n
  for (const { meta_data } of chunks) total_byte_size += meta_data?.total_uncompressed_size ?? 0n
  writer.num_rows += BigInt(rows)
  writer.row_groups.push({
    columns: chunks,
    total_byte_size,
    num_rows: BigInt(rows),
    total_compressed_size: BigInt(writer.writer.offset - groupStart),
  })
}

/** The encoder setup of an open ParquetWriter. */
function setupOf(writer: ParquetWriter): GroupSetup {
  return {
    schema: writer.schema,
    codec: writer.codec,
    compressors: writer.compressors,
    statistics: writer.statistics,
    statisticsTruncateLength: writer.statisticsTruncateLength,
  }
}

/** Encodes every column chunk of a row group into `out`, returning their metadata in order. */
export function encodeColumns(
  out: Writer,
  setup: GroupSetup,
  columns: readonly GroupColumn[],
  rows: number,
): ChunkResult[] {
  const resolve = schemaPathResolver(setup.schema)
  const results: ChunkResult[] = []
  for (const source of columns) {
    const path = resolve([source.name])
    const leaf = path[path.length - 1]
    if (leaf.children.length) {
      throw new TypeError(`parquet row group: column "${source.name}" is not a flat leaf column`)
    }
    const schemaPath: SchemaElement[] = path.map((node) => node.element)
    const column: ColumnEncoder = {
      columnName: source.name,
      element: leaf.element,
      schemaPath,
      codec: setup.codec,
      compressors: setup.compressors,
      stats: source.statistics ?? setup.statistics,
      statisticsTruncateLength: setup.statisticsTruncateLength,
      pageSize: PAGE_SIZE,
      columnIndex: false,
      offsetIndex: true,
    }
    const numeric = source.numeric
    const fast = numeric && numeric.length === rows && leaf.element.repetition_type === 'OPTIONAL'
      ? writeNumericColumn(out, column, numeric)
      : undefined
    results.push(
      fast ?? writeColumn({
        writer: out,
        column,
        pageData: encodeNestedValues(path, checkLength(source, rows)),
      }),
    )
  }
  return results
}

/** Encodes a row group into bytes of its own, as if written at file offset `offset`. */
export function encodeGroupBytes(
  setup: GroupSetup,
  columns: readonly GroupColumn[],
  rows: number,
  offset: number,
): { bytes: Uint8Array; results: ChunkResult[] } {
  const out = new GrowingWriter(Math.max(1 << 16, rows * columns.length * 9))
  out.offset = offset
  const results = encodeColumns(out, setup, columns, rows)
  return { bytes: new Uint8Array(out.buffer, 0, out.index), results }
}

/** The column's values, after checking they are `rows` long. */
function checkLength(source: GroupColumn, rows: number): DecodedArray {
  const data = source.data
  if (data.length !== rows) {
    throw new RangeError(
      `parquet row group: column "${source.name}" has ${data.length} values for ${rows} rows`,
    )
  }
  return data as DecodedArray
}
