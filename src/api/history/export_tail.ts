/**
 * The first read of a Parquet history export: one suffix-range GET (`Range: bytes=-N`) instead of
 * a `HEAD` and a footer range. `Content-Range` gives the file's size and the tail holds the
 * footer; a file no bigger than N arrives whole, so a small export costs one storage request.
 * Bytes before the tail are read by range when a row group (or a long footer) needs them.
 *
 * @module
 */
import type { AsyncBuffer } from 'hyparquet'
import { concatBytes } from '../../bytes.ts'
import {
  expectedLength,
  type FetchLike,
  fetchSigned,
  MAX_UNRANGED_BYTES,
  rangeReadingFetch,
  readSlice,
  redactSignedUrl,
  shortBody,
  type SignedFetchOptions,
  SignedUrlError,
} from './signed_fetch.ts'

/** Default of the `tailBytes` option: the last 1 MiB of an export is read first. */
export const DEFAULT_TAIL_BYTES = 1024 * 1024

/** Largest `tailBytes` accepted (64 MiB): the tail stays in memory while the file is read. */
export const MAX_TAIL_BYTES = 64 * 1024 * 1024

/** The end of an export as the first read brought it. */
export interface ExportTail {
  /** The file's size in bytes. */
  byteLength: number
  /** Offset in the file of the first byte held. */
  start: number
  /** The bytes from `start` to the end of the file (all of it when `start` is 0). */
  bytes: Uint8Array<ArrayBuffer>
}

/** Checks a `tailBytes` option: an integer from 8 (the Parquet trailer) to {@linkcode MAX_TAIL_BYTES}. */
export function checkTailBytes(value: number): number {
  if (!Number.isSafeInteger(value) || value < 8 || value > MAX_TAIL_BYTES) {
    throw new RangeError(
      `Cannot read history exports with tailBytes ${value}: use an integer from 8 to ${MAX_TAIL_BYTES}`,
    )
  }
  return value
}

/** The first byte, last byte and total of a `Content-Range: bytes a-b/total` (total `*` allowed). */
function contentRange(
  header: string | null,
): { first: number; last: number; total: number | undefined } | undefined {
  const m = header ? /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header) : null
  if (!m) return undefined
  return { first: Number(m[1]), last: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) }
}

/**
 * Reads the last `tailBytes` bytes of the export at `url` with one `Range: bytes=-N` GET. A 206
 * answer gives the size through `Content-Range`; a 200 (a server that ignores `Range`) is the
 * whole file when its `Content-Length` is within the unranged body cap or its body ends within
 * `tailBytes`, else the size comes from a `HEAD` and the tail from a closed range (cut from
 * whatever the server sends); a 416 means an empty file (size 0).
 */
export async function readExportTail(
  url: string,
  tailBytes: number,
  options: SignedFetchOptions,
): Promise<ExportTail> {
  const first = await fetchSigned(
    url,
    { headers: { range: `bytes=-${tailBytes}` } },
    options,
    (response) => consumeTail(response, url, tailBytes),
  )
  if (first !== 'unknown-length') return first
  // A 200 of unknown length going on past tailBytes: maybe the file, maybe more than the file.
  const byteLength = await headLength(url, options)
  if (byteLength === 0) return { byteLength, start: 0, bytes: new Uint8Array(0) }
  const start = Math.max(0, byteLength - tailBytes)
  const response = await rangeReadingFetch(options)(url, {
    headers: { range: `bytes=${start}-${byteLength - 1}` },
  })
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (bytes.byteLength !== byteLength - start) {
    throw new Error(
      `the server sent ${bytes.byteLength} bytes for bytes ${start}-${byteLength - 1} of ` +
        `${redactSignedUrl(url)}; run the scan again`,
    )
  }
  return { byteLength, start, bytes }
}

/** Reads the answer to the suffix-range GET (see {@linkcode readExportTail}). */
async function consumeTail(
  response: Response,
  url: string,
  tailBytes: number,
): Promise<ExportTail | 'unknown-length'> {
  const refuse = async (reason: string): Promise<never> => {
    await response.body?.cancel().catch(() => {})
    throw new SignedUrlError(
      `Cannot read history export ${redactSignedUrl(url)}: ${reason}`,
      response.status,
    )
  }
  if (response.status === 416) {
    // Storage answers a suffix range on an empty object with 416 (`bytes */0`).
    const total = /\/\s*(\d+)\s*$/.exec(response.headers.get('content-range') ?? '')?.[1]
    if (total === undefined || Number(total) === 0) {
      await response.body?.cancel().catch(() => {})
      return { byteLength: 0, start: 0, bytes: new Uint8Array(0) }
    }
    return await refuse(
      `HTTP 416 for its last ${tailBytes} bytes although it has ${total}; run the scan again`,
    )
  }
  if (!response.ok) {
    return await refuse(
      `HTTP ${response.status}; a signed URL may have expired, run the scan again`,
    )
  }
  if (response.status === 206) {
    const range = contentRange(response.headers.get('content-range'))
    const total = range && (range.total ?? range.last + 1)
    if (!range || total === undefined || range.last !== total - 1 || range.first > range.last) {
      return await refuse(
        `its answer to a read of the last ${tailBytes} bytes has Content-Range ` +
          `'${response.headers.get('content-range')}', not the end of the file`,
      )
    }
    const length = range.last - range.first + 1
    if (length > tailBytes && (range.first > 0 || length > MAX_UNRANGED_BYTES)) {
      return await refuse(
        `the server sent ${length} bytes where the last ${tailBytes} were asked for`,
      )
    }
    // One byte past the announced length tells an overlong body from a complete one.
    const bytes = await readSlice(response.body, 0, length + 1, false)
    if (bytes.byteLength > length) {
      return await refuse(`the body is longer than the ${length} bytes announced`)
    }
    if (bytes.byteLength !== length) throw shortBody(bytes.byteLength, length)
    return { byteLength: total, start: range.first, bytes }
  }
  if (response.status !== 200) {
    return await refuse(`HTTP ${response.status} where 206 or 200 was expected`)
  }
  // The server ignored Range and sends the whole file: read it whole, within the body cap.
  const announced = expectedLength(response)
  if (announced !== undefined) {
    if (announced > MAX_UNRANGED_BYTES) {
      return await refuse(
        `the server ignored the Range header and sends the whole file (${announced} bytes), ` +
          `more than the ${MAX_UNRANGED_BYTES} bytes read without a range; use source 'graphql' ` +
          'for this run',
      )
    }
    // Whatever follows the announced length is not the file: cut it.
    const bytes = await readSlice(response.body, 0, announced, false)
    if (bytes.byteLength !== announced) throw shortBody(bytes.byteLength, announced)
    return { byteLength: announced, start: 0, bytes }
  }
  // No length: the whole file only if the body ends within tailBytes.
  const bytes = await readSlice(response.body, 0, tailBytes + 1, false)
  if (bytes.byteLength <= tailBytes) return { byteLength: bytes.byteLength, start: 0, bytes }
  return 'unknown-length'
}

/** The file's size from a `HEAD`, for a server that ignores `Range` and sends no length. */
async function headLength(url: string, options: SignedFetchOptions): Promise<number> {
  return await fetchSigned(url, { method: 'HEAD' }, options, async (response) => {
    await response.body?.cancel().catch(() => {})
    const length = response.headers.get('content-length')
    if (response.ok && length !== null && /^\d+$/.test(length)) return Number(length)
    throw new SignedUrlError(
      `Cannot read history export ${redactSignedUrl(url)}: the server ignored the Range header ` +
        `and sent a body of unknown length, and HEAD answered HTTP ${response.status} ` +
        `${length === null ? 'without' : `with Content-Length '${length}', not`} a size; ` +
        "use source 'graphql' for this run",
      response.status,
    )
  })
}

/**
 * An `AsyncBuffer` over an export whose tail is in memory: slices inside the tail cost nothing,
 * bytes before it are read with one range request through `fetch` (a `rangeReadingFetch`).
 */
export class ExportTailBuffer implements AsyncBuffer {
  /** The file's size in bytes. */
  readonly byteLength: number
  #url: string
  #tail: ExportTail
  #fetch: FetchLike

  /** Serves `tail` from memory and the rest of the file at `url` through `fetch`. */
  constructor(url: string, tail: ExportTail, fetch: FetchLike) {
    this.byteLength = tail.byteLength
    this.#url = url
    this.#tail = tail
    this.#fetch = fetch
  }

  /** Bytes `[start, end)` of the file. */
  slice(start: number, end: number = this.byteLength): ArrayBuffer | Promise<ArrayBuffer> {
    const tail = this.#tail
    if (start >= tail.start) return this.#fromTail(start, end)
    const head = this.#read(start, Math.min(end, tail.start))
    if (end <= tail.start) return head
    return head.then((bytes) =>
      concatBytes([new Uint8Array(bytes), new Uint8Array(this.#fromTail(tail.start, end))]).buffer
    )
  }

  /** A copy of bytes `[start, end)` from the tail. */
  #fromTail(start: number, end: number): ArrayBuffer {
    const { bytes, start: at } = this.#tail
    return bytes.buffer.slice(bytes.byteOffset + start - at, bytes.byteOffset + end - at)
  }

  /** Bytes `[start, end)` read with one range request. */
  async #read(start: number, end: number): Promise<ArrayBuffer> {
    const response = await this.#fetch(this.#url, {
      headers: { range: `bytes=${start}-${end - 1}` },
    })
    const bytes = await response.arrayBuffer()
    if (bytes.byteLength !== end - start) {
      throw new Error(
        `the server sent ${bytes.byteLength} bytes for bytes ${start}-${end - 1} of ` +
          `${redactSignedUrl(this.#url)}; run the scan again`,
      )
    }
    return bytes
  }
}
