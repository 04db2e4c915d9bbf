/**
 * Decoding one row group of a Parquet history export column by column: the flat DOUBLE and FLOAT
 * columns unboxed (`flat_doubles.ts`), the others through hyparquet with W&B's JSON (bare NaN and
 * Infinity allowed). The same code runs on the main thread (`parquet_export_file.ts`) and on a
 * bulk export's workers (`group_decode_job.ts`).
 *
 * @module
 */
import {
  type AsyncBuffer,
  type Compressors,
  type FileMetaData,
  parquetRead,
  parquetSchema,
} from 'hyparquet'
import { parquetPlan, prefetchAsyncBuffer } from 'hyparquet/src/plan.js'
import { parseJson } from '../../json/parse_json.ts'
import type { Row } from '../../row.ts'
import { GroupLease } from './decoded_columns.ts'
import { exportDecompressors } from './export_codecs.ts'
import { chunkRange, flatDoubleDecoder, readFlatDoubles, wholeGroupIndex } from './flat_doubles.ts'
import { rowsFromColumns, sortByStep } from './history_row.ts'

const utf8 = new TextDecoder()
let decompressors: Compressors | undefined

/** This thread's export decompressors (`export_codecs.ts`), made once: one hysnappy instance each. */
export function exportCodecs(): Compressors {
  return decompressors ??= exportDecompressors()
}

/** Reads JSON-typed Parquet values with bare NaN/Infinity allowed, as W&B writes them. */
function jsonFromBytes(bytes: Uint8Array | undefined): unknown {
  return bytes && parseJson(utf8.decode(bytes))
}

/** A row group decoded column by column: `data[c][r]` is the cell of column `names[c]` in row `r`. */
export interface DecodedGroup {
  /** Column names, in schema order. */
  names: string[]
  /** Each column's values. */
  data: ArrayLike<unknown>[]
  /** Rows. */
  length: number
  /** The lease on the pooled memory of its dense columns, when it has any (`decoded_columns.ts`). */
  lease?: GroupLease
}

/** A decoded group's rows as step-sorted row objects; lets go of the group. */
export function rowsOfGroup(group: DecodedGroup): Row[] {
  const rows = sortByStep(rowsFromColumns(group.names, group.data, group.length))
  group.lease?.letGo()
  return rows
}

/** A Parquet file to decode columns from: its bytes, footer and top-level column names in schema order. */
export interface ColumnSource {
  /** The file's bytes. */
  file: AsyncBuffer
  /** Its decoded footer. */
  metadata: FileMetaData
  /** Its top-level column names, in schema order. */
  names: readonly string[]
}

/**
 * Decodes rows `[rowStart, rowEnd)` of `columns` (all when undefined) column by column, with the
 * export decompressors and W&B's JSON (bare NaN and Infinity allowed), in schema order.
 */
export async function decodeColumns(
  source: ColumnSource,
  rowStart: number,
  rowEnd: number,
  columns?: string[],
): Promise<DecodedGroup> {
  const compressors = exportCodecs()
  const { file, flat } = await decodeFlatDoubles(source, rowStart, rowEnd, columns)
  const chunks = new Map<string, ColumnChunk[]>()
  const rest = flat.size ? (columns ?? source.names).filter((name) => !flat.has(name)) : columns
  if (!rest || rest.length > 0) {
    await parquetRead({
      file,
      metadata: source.metadata,
      columns: rest,
      rowStart,
      rowEnd,
      compressors,
      parsers: { jsonFromBytes },
      onChunk({ columnName, columnData, rowStart: start }) {
        let list = chunks.get(columnName)
        if (!list) chunks.set(columnName, list = [])
        list.push({ start, data: columnData })
      },
    })
  }
  // Schema order, as the columns appear in the file (and as row objects would list them).
  const names = source.names.filter((name) => chunks.has(name) || flat.has(name))
  const data = names.map((name) =>
    flat.get(name) ?? gatherColumn(chunks.get(name)!, rowStart, rowEnd)
  )
  const pooled = [...flat.values()].flatMap((c) => c instanceof Float64Array ? [c.buffer] : [])
  const lease = pooled.length > 0 ? new GroupLease(pooled as ArrayBuffer[]) : undefined
  return { names, data, length: rowEnd - rowStart, lease }
}

/**
 * Decodes the flat nullable DOUBLE and FLOAT columns among `columns` (all when undefined) when
 * `[rowStart, rowEnd)` is one whole row group, unboxed (`flat_doubles.ts`). The bytes of every
 * chosen column are fetched as hyparquet's reader would have (its plan: the same ranges, the same
 * requests), and the file to read the other columns from serves them from those fetches.
 */
async function decodeFlatDoubles(
  source: ColumnSource,
  rowStart: number,
  rowEnd: number,
  columns: string[] | undefined,
): Promise<{ file: AsyncBuffer; flat: Map<string, ArrayLike<unknown>> }> {
  const flat = new Map<string, ArrayLike<unknown>>()
  const index = wholeGroupIndex(source.metadata, rowStart, rowEnd)
  if (index === undefined || rowEnd <= rowStart) return { file: source.file, flat }
  const schema = parquetSchema(source.metadata)
  const chosen = source.metadata.row_groups[index].columns.flatMap((chunk) => {
    const name = chunk.meta_data?.path_in_schema[0]
    if (name === undefined || (columns && !columns.includes(name))) return []
    const decoder = flatDoubleDecoder(schema, chunk, exportCodecs())
    return decoder ? [{ name, chunk, decoder }] : []
  })
  if (chosen.length === 0) return { file: source.file, flat }
  const plan = parquetPlan({
    file: source.file,
    metadata: source.metadata,
    rowStart,
    rowEnd,
    columns,
  })
  const file = prefetchAsyncBuffer(source.file, plan)
  for (const { name, chunk, decoder } of chosen) {
    const [start, end] = chunkRange(chunk)
    const noNulls = Number(chunk.meta_data?.statistics?.null_count ?? -1) === 0
    flat.set(
      name,
      readFlatDoubles(await file.slice(start, end), rowEnd - rowStart, decoder, noNulls),
    )
  }
  return { file, flat }
}

/** Decoded values of one column as hyparquet hands them over, starting at row `start` of the file. */
export interface ColumnChunk {
  /** Row of the file the first value belongs to. */
  start: number
  /** The values. */
  data: ArrayLike<unknown>
}

/**
 * The values of rows `[rowStart, rowEnd)` of one column from its decoded chunks: the chunk
 * itself when one chunk is exactly that range, else a copy (rows no chunk covers stay undefined).
 */
export function gatherColumn(
  chunks: ColumnChunk[],
  rowStart: number,
  rowEnd: number,
): ArrayLike<unknown> {
  const length = rowEnd - rowStart
  if (chunks.length === 1 && chunks[0].start === rowStart && chunks[0].data.length === length) {
    return chunks[0].data
  }
  const out: unknown[] = new Array(length)
  for (const { start, data } of chunks) {
    const from = Math.max(start, rowStart)
    const to = Math.min(start + data.length, rowEnd)
    for (let row = from; row < to; row++) out[row - rowStart] = data[row - start]
  }
  return out
}
