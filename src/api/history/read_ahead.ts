/**
 * A read-ahead layer over hyparquet's `AsyncBuffer`: the byte span of the next row group is
 * requested while the current one decodes, so a scan waits for the network and for the CPU at
 * the same time instead of one after the other.
 *
 * @module
 */
import type { AsyncBuffer } from 'hyparquet'

/** A span fetched ahead of use. */
interface Span {
  start: number
  end: number
  bytes: Promise<ArrayBuffer>
}

/**
 * Serves slices from spans fetched ahead ({@linkcode ReadAheadBuffer.fetchAhead}) when they
 * cover the slice, else from the underlying buffer. Holds at most `limit` spans.
 */
export class ReadAheadBuffer implements AsyncBuffer {
  /** Length of the underlying file. */
  readonly byteLength: number
  #file: AsyncBuffer
  #spans: Span[] = []
  #limit: number

  /** Wraps `file`, holding at most `limit` spans fetched ahead (older ones are dropped). */
  constructor(file: AsyncBuffer, limit: number = 2) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`Cannot create a read-ahead buffer with limit ${limit}: use 1 or more`)
    }
    this.byteLength = file.byteLength
    this.#file = file
    this.#limit = limit
  }

  /** Starts fetching bytes `[start, end)` unless a held span covers them already. */
  fetchAhead(start: number, end: number): void {
    if (this.#find(start, end)) return
    const file = this.#file
    const bytes = Promise.resolve().then(() => file.slice(start, end))
    // A failed read-ahead is not an error yet: the slice that needs the bytes asks again.
    bytes.catch(() => {})
    this.#spans.push({ start, end, bytes })
    if (this.#spans.length > this.#limit) this.#spans.shift()
  }

  /** Forgets the held spans inside `[start, end)` (their bytes were used). */
  release(start: number, end: number): void {
    this.#spans = this.#spans.filter((s) => s.start < start || s.end > end)
  }

  /** Number of spans held. */
  get held(): number {
    return this.#spans.length
  }

  /** The bytes `[start, end)`: from a held span when one covers them, else from the file. */
  slice(start: number, end: number = this.byteLength): Promise<ArrayBuffer> | ArrayBuffer {
    const span = this.#find(start, end)
    if (!span) return this.#file.slice(start, end)
    const direct = () => this.#file.slice(start, end)
    if (span.start === start && span.end === end) return span.bytes.catch(direct)
    return span.bytes.then((bytes) => bytes.slice(start - span.start, end - span.start), direct)
  }

  /**
   * The bytes `[start, end)` in a buffer nobody else holds (the caller may move it to another
   * thread): a held span of exactly those bytes is handed over and forgotten, else they are sliced
   * (a copy from a held span, or the file's slice, which `ExportTailBuffer` makes anew).
   */
  async take(start: number, end: number): Promise<ArrayBuffer> {
    const at = this.#spans.findIndex((s) => s.start === start && s.end === end)
    if (at < 0) return await this.slice(start, end)
    const [span] = this.#spans.splice(at, 1)
    return await span.bytes.catch(() => this.#file.slice(start, end))
  }

  /** The held span covering `[start, end)`, if any. */
  #find(start: number, end: number): Span | undefined {
    return this.#spans.find((s) => s.start <= start && end <= s.end)
  }
}

/** The parts of a row group's metadata {@linkcode columnSpan} reads. */
export interface SpanRowGroup {
  /** Column chunks, each with its byte position in the file. */
  columns: {
    meta_data?: {
      path_in_schema: string[]
      data_page_offset: bigint | number
      dictionary_page_offset?: bigint | number
      total_compressed_size: bigint | number
    }
  }[]
}

/**
 * The byte span `[start, end)` holding a row group's chunks of `columns` (top-level names), or
 * undefined when they fill less than half of it (reading the span would fetch mostly other
 * columns) or there are none.
 */
export function columnSpan(
  rowGroup: SpanRowGroup,
  columns: readonly string[],
): [number, number] | undefined {
  let start = Infinity
  let end = -Infinity
  let used = 0
  for (const chunk of rowGroup.columns) {
    const meta = chunk.meta_data
    if (!meta || !columns.includes(meta.path_in_schema[0])) continue
    const from = Number(meta.dictionary_page_offset || meta.data_page_offset)
    const size = Number(meta.total_compressed_size)
    start = Math.min(start, from)
    end = Math.max(end, from + size)
    used += size
  }
  if (!(end > start) || used * 2 < end - start) return undefined
  return [start, end]
}
