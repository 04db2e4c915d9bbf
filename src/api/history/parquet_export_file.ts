/**
 * One Parquet history export read over HTTP range requests: its row groups with their step
 * ranges, and the rows of one row group at a time with only the columns asked for.
 *
 * @module
 */
import { type FileMetaData, parquetMetadataAsync, parquetSchema } from 'hyparquet'
import type { Row } from '../../row.ts'
import { decodeColumns, type DecodedGroup, exportCodecs, rowsOfGroup } from './decode_group.ts'
import {
  checkTailBytes,
  DEFAULT_TAIL_BYTES,
  ExportTailBuffer,
  readExportTail,
} from './export_tail.ts'
import { decodeOnThreads, type DecodeThreads } from './group_decode_job.ts'
import { columnPath } from './history_row.ts'
import { columnSpan, ReadAheadBuffer } from './read_ahead.ts'
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
  /**
   * Threads to decode row groups on (a bulk export's workers): a group's bytes go there and its
   * columns come back. @default this thread
   */
  decodeThreads?: DecodeThreads
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
  #decodeThreads: DecodeThreads | undefined
  /** The group decoding ahead on `decodeThreads` ({@linkcode ParquetExportFile.prefetch}). */
  #ahead: { index: number; decoded: Promise<DecodedGroup> } | undefined

  private constructor(
    label: string,
    file: ReadAheadBuffer,
    metadata: FileMetaData,
    columns: string[] | undefined,
    hasRequestedColumns: boolean,
    groups: ExportGroup[],
    decodeThreads?: DecodeThreads,
  ) {
    this.label = label
    this.#decodeThreads = decodeThreads
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
      return new ParquetExportFile(
        label,
        file,
        metadata,
        columns,
        hasRequested,
        groups,
        options.decodeThreads,
      )
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
   * the caller holds its lease and lets go when it reads the columns no more. With
   * `decodeThreads`, a group whose chosen columns are one span is decoded there.
   */
  async readGroupColumns(group: ExportGroup): Promise<DecodedGroup> {
    const span = this.#span(group)
    try {
      const ahead = this.#ahead
      this.#ahead = undefined
      if (ahead?.index === group.index) return await ahead.decoded
      // Decoded ahead for a read that did not come: let go of it.
      ahead?.decoded.then((skipped) => skipped.lease?.letGo(), () => {})
      if (span && this.#decodeThreads) return await this.#decodeElsewhere(group, span)
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
   * With `decodeThreads` the group is also decoded there, one group ahead.
   */
  prefetch(group: ExportGroup): void {
    const span = this.#span(group)
    if (!span) return
    this.#file.fetchAhead(span[0], span[1])
    // On other threads the group is decoded ahead too: it costs this thread nothing.
    if (this.#decodeThreads && this.#ahead === undefined) {
      const decoded = this.#decodeElsewhere(group, span)
      decoded.catch(() => {}) // the read that takes it sees the error
      this.#ahead = { index: group.index, decoded }
    }
  }

  /** Decodes a group whose chosen columns are one span on `decodeThreads`. */
  async #decodeElsewhere(group: ExportGroup, span: [number, number]): Promise<DecodedGroup> {
    const bytes = await this.#file.take(span[0], span[1])
    const file = {
      metadata: this.#metadata,
      names: this.#schemaNames,
      byteLength: this.#file.byteLength,
    }
    return await decodeOnThreads(
      this.#decodeThreads!,
      file,
      group.index,
      span[0],
      bytes,
      this.columns,
    )
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

/** Fails when a column to read uses a codec neither hyparquet nor this runtime's zlib decompresses. */
function checkCodecs(metadata: FileMetaData, columns: string[]): void {
  const readable = new Set<string>(['UNCOMPRESSED', 'SNAPPY', ...Object.keys(exportCodecs())])
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
