/**
 * Spool segments of the Parquet exporter, and the final pass that joins them.
 *
 * Without a fully declared schema, the exporter writes row groups to a temporary Parquet file (a
 * segment). When a later row group needs a different schema (a new column, or a column widened
 * from int to double or to JSON), the segment is finished and a new one starts. At the end, a
 * single segment is copied to the output as is; several are re-read with hyparquet one row group
 * at a time, converted to the final (widest) schema and written again. Memory holds one row group.
 *
 * @module
 */
import { parquetScan } from 'hyparquet'
import type { ParquetWriter } from 'hyparquet-writer'
import type { ColumnType } from './column_kind.ts'
import type { ByteOutput } from './export_stream.ts'
import { jsonText } from './json_text.ts'
import { spoolDecompressors } from './parquet_codec.ts'
import type { GroupColumn } from './parquet_group.ts'
import type { JsonColumns } from './parquet_schema.ts'
import { handleBuffer } from './parquet_sink.ts'
import { readAt, type TempFile } from './temp_file.ts'

/** One finished spool file and the schema it was written with. */
export interface Segment {
  /** The temporary file. */
  file: TempFile
  /** Its size in bytes. */
  bytes: number
  /** Column names in file order. */
  names: string[]
  /** Physical kinds in file order. */
  kinds: ColumnType[]
}

const COPY_CHUNK = 1 << 20

/** Sends a finished segment file to the output unchanged. */
export async function copySegment(segment: Segment, out: ByteOutput): Promise<void> {
  for (let position = 0; position < segment.bytes; position += COPY_CHUNK) {
    const size = Math.min(COPY_CHUNK, segment.bytes - position)
    await out.push(await readAt(segment.file.handle, position, size))
  }
}

/** Re-reads every segment's row groups and writes them with the final schema through `writer`. */
export async function rewriteSegments(
  segments: readonly Segment[],
  names: readonly string[],
  kinds: readonly ColumnType[],
  jsonColumns: JsonColumns,
  writer: ParquetWriter,
): Promise<void> {
  const encoder = new TextEncoder()
  for (const segment of segments) {
    const scan = await parquetScan({
      file: handleBuffer(segment.file.handle, segment.bytes),
      compressors: spoolDecompressors,
      // Keep JSON cells as the exact bytes written; they are copied, not re-serialized.
      parsers: { jsonFromBytes: (bytes: Uint8Array) => bytes },
    })
    const position = new Map(segment.names.map((name, j) => [name, j]))
    for (const { rowStart, rowEnd } of scan.ranges) {
      const n = rowEnd - rowStart
      const columnData: GroupColumn[] = []
      for (let j = 0; j < names.length; j++) {
        const name = names[j]
        const k = position.get(name)
        const to = kinds[j]
        const data = k === undefined ? new Array(n).fill(null) : convertColumn(
          await scan.readColumn({ column: name, rowStart, rowEnd }),
          segment.kinds[k],
          to,
          jsonColumns,
          encoder,
        )
        columnData.push(to === 'json' ? { name, data, statistics: false } : { name, data })
      }
      // deno-lint-ignore no-explicit-any
      await writer.write({ columnData: columnData as any, rowGroupSize: n })
    }
  }
}

/** Converts one column's decoded values from the kind they were written as to a wider kind. */
export function convertColumn(
  data: ArrayLike<unknown>,
  from: ColumnType,
  to: ColumnType,
  jsonColumns: JsonColumns,
  encoder: TextEncoder,
): ArrayLike<unknown> {
  if (from === to) return data
  const n = data.length
  const out = new Array(n)
  for (let i = 0; i < n; i++) {
    const value = data[i]
    if (value === null || value === undefined) out[i] = null
    else if (to === 'double') out[i] = Number(value)
    else if (to === 'int') out[i] = BigInt(value as number)
    else if (to === 'json') {
      const text = from === 'string' ? JSON.stringify(value) : jsonText(value, 'string')
      out[i] = jsonColumns === 'json' ? encoder.encode(text) : text
    } // A bool or string target is only reached from an all-null placeholder column.
    else out[i] = null
  }
  return out
}
