/**
 * One row group through hyparquet-writer's `ParquetWriter`, column by column: number columns the
 * row group builder holds in typed storage go through the fast path (`parquet_numeric.ts`), every
 * other column through hyparquet-writer's own `writeColumn`, and the group is recorded in the
 * writer exactly as `ParquetWriter.write` records it (row group, page indexes, row count), so
 * `finish()` writes the usual footer. Everything is encoded before this returns; only the flush
 * to the sink is awaited, so the caller may reuse its column storage afterwards.
 *
 * @module
 */
import type { ColumnChunk, DecodedArray, SchemaElement } from 'hyparquet'
import type { ParquetWriter } from 'hyparquet-writer'
import { writeColumn } from 'hyparquet-writer/src/column.js'
import { encodeNestedValues } from 'hyparquet-writer/src/dremel.js'
import { schemaPathResolver } from 'hyparquet-writer/src/schema.js'
import type { GroupColumn } from './parquet_group.ts'
import { type ColumnEncoder, PAGE_SIZE, writeNumericColumn } from './parquet_numeric.ts'

/** Writes `columns` (all of the schema's columns, in order, `rows` each) as one row group. */
export async function writeRowGroup(
  writer: ParquetWriter,
  columns: readonly GroupColumn[],
  rows: number,
): Promise<void> {
  const resolve = schemaPathResolver(writer.schema)
  const out = writer.writer
  const groupStart = out.offset
  const chunks: ColumnChunk[] = []
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
      codec: writer.codec,
      compressors: writer.compressors,
      stats: source.statistics ?? writer.statistics,
      statisticsTruncateLength: writer.statisticsTruncateLength,
      pageSize: PAGE_SIZE,
      columnIndex: false,
      offsetIndex: true,
    }
    const numeric = source.numeric
    const fast = numeric && numeric.length === rows && leaf.element.repetition_type === 'OPTIONAL'
      ? writeNumericColumn(out, column, numeric)
      : undefined
    const result = fast ?? writeColumn({
      writer: out,
      column,
      pageData: encodeNestedValues(path, checkLength(source, rows)),
    })
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
    total_compressed_size: BigInt(out.offset - groupStart),
  })
  await out.flush?.()
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
