/**
 * One Parquet history export read over HTTP range requests: its row groups with their step
 * ranges, and the rows of one row group at a time with only the columns asked for.
 *
 * @module
 */
import {
  type AsyncBuffer,
  type Compressors,
  type FileMetaData,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
} from 'hyparquet'
import { parseJson } from '../../json/parse_json.ts'
import type { Row } from '../../row.ts'
import { exportDecompressors } from './export_codecs.ts'
import { chunkRange, flatDoubleDecoder, readFlatDoubles, wholeGroupIndex } from './flat_doubles.ts'
import { parquetPlan, prefetchAsyncBuffer } from 'hyparquet/src/plan.js'
import {
  checkTailBytes,
  DEFAULT_TAIL_BYTES,
  ExportTailBuffer,
  readExportTail,
} from './export_tail.ts'
import { columnPath, rowsFromColumns, sortByStep } from './history_row.ts'
import { columnSpan, ReadAheadBuffer } from './read_ahead.ts'
import { GroupLease } from './decoded_columns.ts'
import { rangeReadingFetch, redactSignedUrl, type SignedFetchOptions } from './signed_fetch.ts'

/** One row group of an export, with the smallest and largest `_step` it holds. */
export interface ExportGroup {
  /** Position of the row group in the file. */
  index: number
  /** First row of the group in the file. */
  rowStart: number
  /** Row after the group's last row. */
  rowEnd: number
  /** Smallest `_step` in the group. */
  minStep: number
  /** Largest `_step` in the group. */
  maxStep: number
}

/** Options for {@linkcode ParquetExportFile.open}. */
export interface OpenExportOptions extends SignedFetchOptions {
  /** Keys whose columns to read besides `_step` (see `covers`); all columns when undefined. */
  keys?: string[]
  /**
   * Bytes of the file's end read by the first request (`Range: bytes=-N`, from 8 to 64 MiB): a
   * file no bigger arrives whole in that one request. @default 1048576 (1 MiB)
   */
  tailBytes?: number
}

const utf8 = new TextDecoder()
let decompressors: Compressors | undefined

/** Reads JSON-typed Parquet values with bare NaN/Infinity allowed, as W&B writes them. */
function jsonFromBytes(bytes: Uint8Array | undefined): unknown {
  return bytes && parseJson(utf8.decode(bytes))
}

/** A Parquet history export opened for reading; construct it with {@linkcode ParquetExportFile.open}. */
export class ParquetExportFile {
  /** A name for messages: position and URL without its signature. */
  readonly label: string
  /** The columns read (always `_step` first), or undefined for all of them. */
  readonly columns: string[] | undefined
  /** The row groups holding at least one step, sorted by their smallest step. */
  readonly groups: ExportGroup[]
  /** Whether the file holds any requested column besides `_step`. */
  readonly hasRequestedColumns: boolean
  #file: ReadAheadBuffer
  #metadata: FileMetaData
  #schemaNames: string[]

  private constructor(
    label: string,
    file: ReadAheadBuffer,
    metadata: FileMetaData,
    columns: string[] | undefined,
    hasRequestedColumns: boolean,
    groups: ExportGroup[],
  ) {
    this.label = label
    this.#file = file
    this.#metadata = metadata
    this.#schemaNames = parquetSchema(metadata).children.map((c) => c.element.name)
    this.columns = columns
    this.hasRequestedColumns = hasRequestedColumns
    this.groups = groups
  }

  /**
   * Opens an export: reads its end (size and footer; a small file whole) with one suffix-range
   * request, chooses columns and finds each row group's steps.
   */
  static async open(
    url: string,
    position: string,
    options: OpenExportOptions,
  ): Promise<ParquetExportFile> {
    const label = `history export ${position} (${redactSignedUrl(url)})`
    const tailBytes = checkTailBytes(options.tailBytes ?? DEFAULT_TAIL_BYTES)
    try {
      const tail = await readExportTail(url, tailBytes, options)
      if (tail.byteLength < 12) {
        throw new Error(
          tail.byteLength === 0
            ? 'the file is empty (0 bytes), not a Parquet file'
            : `the file has only ${tail.byteLength} bytes, too few for a Parquet file`,
        )
      }
      // The fetch drops credential headers; the requests carry none.
      const file = new ReadAheadBuffer(new ExportTailBuffer(url, tail, rangeReadingFetch(options)))
      // The footer is read from the tail; a longer footer costs one more range request.
      const metadata = await parquetMetadataAsync(file, {
        initialFetchSize: tail.bytes.byteLength,
      })
      const names = parquetSchema(metadata).children.map((c) => c.element.name)
      if (!names.includes('_step')) {
        throw new Error(`it has no _step column (columns: ${names.slice(0, 10).join(', ')})`)
      }
      let columns: string[] | undefined
      let hasRequested = true
      if (options.keys) {
        const keys = options.keys
        columns = ['_step', ...names.filter((n) => n !== '_step' && keys.some((k) => covers(k, n)))]
        hasRequested = columns.length > 1 || keys.includes('_step')
      } else {
        columns = [
          '_step',
          ...names.filter((n) => n !== '_step' && !n.startsWith('__index_level_')),
        ]
      }
      checkCodecs(metadata, columns)
      const partial = new ParquetExportFile(label, file, metadata, columns, hasRequested, [])
      const groups = await partial.#planGroups()
      return new ParquetExportFile(label, file, metadata, columns, hasRequested, groups)
    } catch (err) {
      throw exportError(`open ${label}`, err)
    }
  }

  /** Reads one row group's rows (sparse, step-sorted, only the chosen columns). */
  async readGroup(group: ExportGroup): Promise<Row[]> {
    return rowsOfGroup(await this.readGroupColumns(group))
  }

  /**
   * Reads one row group's decoded columns (only the chosen ones, in schema order), not yet rows;
   * the caller holds its lease and lets go when it reads the columns no more.
   */
  async readGroupColumns(group: ExportGroup): Promise<DecodedGroup> {
    const span = this.#span(group)
    try {
      return await this.#readColumns(group.rowStart, group.rowEnd, this.columns)
    } catch (err) {
      throw exportError(`read row group ${group.index} of ${this.label}`, err)
    } finally {
      if (span) this.#file.release(span[0], span[1])
    }
  }

  /**
   * Starts fetching a row group's bytes (its chunks of the chosen columns) so that a later
   * {@linkcode ParquetExportFile.readGroup} finds them in memory; at most two groups are held.
   */
  prefetch(group: ExportGroup): void {
    const span = this.#span(group)
    if (span) this.#file.fetchAhead(span[0], span[1])
  }

  /** The byte span of a group's chosen columns, when worth reading in one piece. */
  #span(group: ExportGroup): [number, number] | undefined {
    const rowGroup = this.#metadata.row_groups[group.index]
    return rowGroup && columnSpan(rowGroup, this.columns ?? this.#schemaNames)
  }

  /** Reads rows `[rowStart, rowEnd)` of `columns` as sparse, step-sorted rows. */
  async #readRows(rowStart: number, rowEnd: number, columns?: string[]): Promise<Row[]> {
    return rowsOfGroup(await this.#readColumns(rowStart, rowEnd, columns))
  }

  /** Decodes rows `[rowStart, rowEnd)` of `columns`, column by column. */
  #readColumns(rowStart: number, rowEnd: number, columns?: string[]): Promise<DecodedGroup> {
    const source = { file: this.#file, metadata: this.#metadata, names: this.#schemaNames }
    return decodeColumns(source, rowStart, rowEnd, columns)
  }

  /** Lists row groups with their step range, from statistics or, without them, by reading `_step`. */
  async #planGroups(): Promise<ExportGroup[]> {
    const groups: ExportGroup[] = []
    let rowStart = 0
    for (const [index, rowGroup] of this.#metadata.row_groups.entries()) {
      const rowEnd = rowStart + Number(rowGroup.num_rows)
      if (rowEnd > rowStart) {
        const chunk = rowGroup.columns.find((c) =>
          c.meta_data?.path_in_schema.join('.') === '_step'
        )
        const stats = chunk?.meta_data?.statistics
        let minStep = Number(stats?.min_value ?? stats?.min ?? NaN)
        let maxStep = Number(stats?.max_value ?? stats?.max ?? NaN)
        if (!Number.isFinite(minStep) || !Number.isFinite(maxStep)) {
          const steps = await this.#readRows(rowStart, rowEnd, ['_step'])
          minStep = steps.length ? steps[0]._step as number : NaN
          maxStep = steps.length ? steps[steps.length - 1]._step as number : NaN
        }
        if (Number.isFinite(minStep) && Number.isFinite(maxStep)) {
          groups.push({ index, rowStart, rowEnd, minStep: Math.trunc(minStep), maxStep })
        }
      }
      rowStart = rowEnd
    }
    return groups.sort((a, b) => a.minStep - b.minStep)
  }
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
  decompressors ??= exportDecompressors()
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
      compressors: decompressors,
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
    const decoder = flatDoubleDecoder(schema, chunk, decompressors)
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

/** Fails when a column to read uses a codec neither hyparquet nor this runtime's zlib decompresses. */
function checkCodecs(metadata: FileMetaData, columns: string[]): void {
  decompressors ??= exportDecompressors()
  const readable = new Set<string>(['UNCOMPRESSED', 'SNAPPY', ...Object.keys(decompressors)])
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data
      if (meta && columns.includes(meta.path_in_schema[0]) && !readable.has(meta.codec)) {
        throw new Error(
          `column ${meta.path_in_schema.join('.')} is compressed with ${meta.codec}, which this ` +
            `runtime cannot decompress (readable: ${[...readable].join(', ')})`,
        )
      }
    }
  }
}

/**
 * Whether column `name` holds (part of) key `key`: the same name, a column nested under the key
 * (`a.b` for `a`), or a whole-object column the key reaches into (`a` for `a.b`).
 */
function covers(key: string, name: string): boolean {
  const plain = columnPath(name).join('.')
  return plain === key || plain.startsWith(key + '.') || key.startsWith(plain + '.')
}

/** Wraps a failure with the action that failed and what to do, keeping the cause. */
function exportError(action: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err)
  return new Error(
    `Cannot ${action}: ${reason}; run the scan again, or use source 'graphql' to skip the exports`,
    { cause: err },
  )
}
