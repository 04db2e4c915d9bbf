/**
 * Parquet export files that are never held whole: one pass lays the file out (row-group byte
 * offsets, total size, MD5, and the few-KB footer kept), after which any byte range is produced
 * on demand by encoding only the row groups it touches. Page bytes do not depend on where a row
 * group sits in the file (offsets live only in the footer), so the bytes served are exactly those
 * of the file {@linkcode buildParquetExport} would write in one piece. Memory per file: the
 * footer; per request: one row group.
 *
 * @module
 */
import { createHash, type Hash } from 'node:crypto'
import { ByteWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer'
import type { HistoryTable } from './history_table.ts'
import { columnSources, EXPORT_CREATED_BY, type ExportColumn } from './parquet_export.ts'

/** One row group's place in the file. */
interface GroupSpan {
  /** Rows [rowStart, rowEnd) of the table. */
  rowStart: number
  rowEnd: number
  /** Byte offset and length in the file. */
  offset: number
  length: number
}

/** A laid-out export file: what the files origin needs to answer HEAD and any range. */
export interface StreamedPart {
  /** Total bytes. */
  readonly size: number
  /** Base64 MD5 of the whole file. */
  readonly md5: string
  /** Number of row groups. */
  readonly rowGroups: number
  /** Byte offset and length of each row group. */
  readonly groups: readonly { offset: number; length: number }[]
  /** Bytes from `start` to `end` inclusive, one row group (or less) per chunk. */
  read(start: number, end: number): Iterable<Uint8Array>
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]) // "PAR1"

/**
 * Encoded row groups kept up to a byte budget, least recently used dropped first, so a warmed
 * server answers downloads without encoding again.
 */
export class RowGroupCache {
  readonly maxBytes: number
  #bytes = 0
  #entries = new Map<string, Uint8Array>()
  /** Lookups answered from the cache, and not. */
  hits = 0
  misses = 0

  /** Creates an empty cache holding at most `maxBytes` bytes. */
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes
  }

  /** The cached bytes for a key (marked most recently used), or undefined. */
  get(key: string): Uint8Array | undefined {
    const bytes = this.#entries.get(key)
    if (bytes === undefined) {
      this.misses++
      return undefined
    }
    this.hits++
    this.#entries.delete(key)
    this.#entries.set(key, bytes)
    return bytes
  }

  /** Keeps a copy of `bytes` under `key` if it fits, dropping the least recently used. */
  set(key: string, bytes: Uint8Array): void {
    if (bytes.byteLength > this.maxBytes || this.#entries.has(key)) return
    while (this.#bytes + bytes.byteLength > this.maxBytes) {
      const [oldest, old] = this.#entries.entries().next().value!
      this.#entries.delete(oldest)
      this.#bytes -= old.byteLength
    }
    this.#entries.set(key, bytes.slice())
    this.#bytes += bytes.byteLength
  }
}

let nextPartId = 1

/** A ByteWriter that hands each flushed row group to a callback and forgets it. */
class FlushingWriter extends ByteWriter {
  #onFlush: (bytes: Uint8Array) => void

  /** Creates a writer that calls `onFlush` after each row group. */
  constructor(onFlush: (bytes: Uint8Array) => void) {
    super()
    this.#onFlush = onFlush
  }

  /** Passes the bytes written since the last flush on, then reuses the buffer. */
  flush(): void {
    this.#onFlush(this.getBytes())
    this.index = 0
  }
}

/** Lays out the export file of rows [start, end) without keeping its bytes (with or without column statistics). */
export function layoutPart(
  table: HistoryTable,
  columns: ExportColumn[],
  start: number,
  end: number,
  rowGroupRows: number,
  cache?: RowGroupCache,
  statistics = true,
): StreamedPart {
  const partId = nextPartId++
  const perGroup = Math.max(1, rowGroupRows)
  const hash: Hash = createHash('md5')
  const spans: GroupSpan[] = []
  let flushed = 0
  const writer = new FlushingWriter((bytes) => {
    hash.update(bytes)
    const group = spans.length // the span is recorded after its flush
    cache?.set(`${partId}:${group}`, group === 0 ? bytes.subarray(4) : bytes)
    flushed += bytes.byteLength
  })
  const schema = schemaFromColumnData({ columnData: columnSources(table, columns, start, start) })
  const pq = new ParquetWriter({ writer, schema, createdBy: EXPORT_CREATED_BY, statistics })
  for (let rowStart = start; rowStart < end; rowStart += perGroup) {
    const rowEnd = Math.min(end, rowStart + perGroup)
    const before = writer.offset
    pq.write({
      columnData: columnSources(table, columns, rowStart, rowEnd),
      rowGroupSize: perGroup,
    })
    spans.push({ rowStart, rowEnd, offset: before, length: writer.offset - before })
  }
  const tailOffset = writer.offset
  pq.finish()
  const tail = writer.getBytes().slice()
  hash.update(tail)
  if (flushed + tail.byteLength !== writer.offset) {
    throw new Error(`streamed export layout lost bytes: ${flushed} + ${tail.byteLength}`)
  }
  const size = writer.offset
  const encodeGroup = (span: GroupSpan, index: number): Uint8Array => {
    const cached = cache?.get(`${partId}:${index}`)
    if (cached) return cached
    const w = new ByteWriter(span.length + 64)
    const one = new ParquetWriter({ writer: w, schema, createdBy: EXPORT_CREATED_BY, statistics })
    one.write({
      columnData: columnSources(table, columns, span.rowStart, span.rowEnd),
      rowGroupSize: perGroup,
    })
    const bytes = w.getBytes().subarray(4)
    if (bytes.byteLength !== span.length) {
      throw new Error(
        `streamed export row group at byte ${span.offset} re-encoded to ${bytes.byteLength} bytes, laid out as ${span.length}`,
      )
    }
    cache?.set(`${partId}:${index}`, bytes)
    return bytes
  }
  return {
    size,
    md5: hash.digest('base64'),
    rowGroups: spans.length,
    groups: spans.map((s) => ({ offset: s.offset, length: s.length })),
    *read(from: number, to: number): Iterable<Uint8Array> {
      const last = Math.min(to, size - 1)
      const pieces: { offset: number; length: number; bytes: () => Uint8Array }[] = [
        { offset: 0, length: 4, bytes: () => MAGIC },
        ...spans.map((s, i) => ({
          offset: s.offset,
          length: s.length,
          bytes: () => encodeGroup(s, i),
        })),
        { offset: tailOffset, length: tail.byteLength, bytes: () => tail },
      ]
      for (const piece of pieces) {
        const pieceEnd = piece.offset + piece.length - 1
        if (pieceEnd < from || piece.offset > last) continue
        const bytes = piece.bytes()
        yield bytes.subarray(
          Math.max(0, from - piece.offset),
          Math.min(piece.length, last - piece.offset + 1),
        )
      }
    },
  }
}
