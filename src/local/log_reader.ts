/**
 * Reads a `.wandb` file through a LogFramer in bounded, block-aligned slabs: checks the
 * `:W&B` header, detects the block layout, and pulls the next slab only when the framer asks.
 *
 * @module
 */
import { open, stat } from 'node:fs/promises'
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { notRegularFileError } from '../fs/file_kind.ts'
import type { FileHandle } from 'node:fs/promises'
import { type DamageReport, emptyDamageReport } from './damage_report.ts'
import { WandbLogFormatError } from './errors.ts'
import {
  BLOCK_SIZE,
  FILE_HEADER_SIZE,
  FRAME_END,
  FRAME_NEED_DATA,
  FRAME_RECORD,
  LogFramer,
} from './log_framer.ts'

/** The header bytes before the version byte: `:W&B` and magic 0xBEE1 little-endian. */
const HEADER_PREFIX = [0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe]
/** Header version bytes this reader understands. */
const KNOWN_VERSIONS = [0, 1]
/** How far into the file the block layout is checked. */
const DETECT_BYTES = 3 * BLOCK_SIZE + FILE_HEADER_SIZE

/** Options of a LogReader. */
export interface LogReaderOptions {
  /**
   * Bytes read from the file at a time (rounded down to whole 32 KiB blocks, at least 128 KiB);
   * with the largest record this bounds the reader's memory.
   * @default 1048576
   */
  readSize?: number
  /**
   * Throw a WandbLogDamageError at the first damage instead of skipping it.
   * @default false
   */
  strict?: boolean
  /**
   * Report to fill in; a new one is made when absent.
   * @default emptyDamageReport(path)
   */
  report?: DamageReport
}

/**
 * Checks the 7-byte file header in `bytes[0, length)` and returns its version byte, or -1 when
 * the file is shorter than a header but starts like one; throws WandbLogFormatError otherwise.
 */
export function checkFileHeader(bytes: Uint8Array, length: number, file: string): number {
  const n = Math.min(length, FILE_HEADER_SIZE)
  for (let i = 0; i < Math.min(n, HEADER_PREFIX.length); i++) {
    if (bytes[i] !== HEADER_PREFIX[i]) {
      throw new WandbLogFormatError(
        file,
        `Cannot read ${file}: bad .wandb header ${
          hex(bytes, n)
        } at byte 0 (expected 3a 57 26 42 e1 be 00); is this a W&B transaction log?`,
      )
    }
  }
  if (n < FILE_HEADER_SIZE) return -1
  const version = bytes[6]
  if (!KNOWN_VERSIONS.includes(version)) {
    throw new WandbLogFormatError(
      file,
      `Cannot read ${file}: unsupported .wandb format version ${version} (header ${
        hex(bytes, n)
      }); this reader knows versions 0 and 1, so upgrade wbx`,
    )
  }
  return version
}

/** Formats the first `n` bytes as space-separated hex for error messages. */
function hex(bytes: Uint8Array, n: number): string {
  return Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ')
}

/**
 * Picks the block layout from the file's first bytes: 0 (blocks at 32768·k, every standard
 * file) unless that layout shows damage in the first three blocks and the pre-0.17.6
 * wandb-core layout (blocks at 7 + 32768·k) frames more intact record bytes there.
 */
export function detectBlockBase(bytes: Uint8Array, length: number, eof: boolean): number {
  const standard = scoreLayout(bytes, length, eof, 0)
  if (!standard.damaged) return 0
  const shifted = scoreLayout(bytes, length, eof, FILE_HEADER_SIZE)
  // A file cut inside its first block frames no more bytes either way; then the layout under
  // which the only loss is the cut tail is the consistent reading.
  const better = shifted.intact > standard.intact ||
    (shifted.intact === standard.intact && !shifted.damaged)
  return better ? FILE_HEADER_SIZE : 0
}

/** Frames the first blocks with one layout: bytes of intact records, and whether anything but the tail was lost. */
function scoreLayout(
  bytes: Uint8Array,
  length: number,
  eof: boolean,
  base: number,
): { intact: number; damaged: boolean } {
  const report = emptyDamageReport('')
  const framer = new LogFramer(report, { blockBase: base })
  const n = Math.min(length, DETECT_BYTES)
  framer.setWindow(bytes, 0, n, eof && n === length)
  let intact = 0
  while (framer.next() === FRAME_RECORD) intact += framer.recordEnd - framer.recordOffset
  // A truncated tail is where the file ends, not damage that tells the layouts apart.
  const damaged = report.lostRanges.some((r) => r.reason !== 'truncated tail')
  return { intact, damaged }
}

/** Frames a `.wandb` file or byte array; `next()` is synchronous, `fill()` reads the next slab. */
export class LogReader {
  /** The framer; its `out`, `outStart`, `outEnd`, `recordOffset` describe the last record. */
  readonly framer: LogFramer
  /** The header's format version byte (0 or 1), or -1 for a file shorter than its header. */
  readonly version: number
  /** File offset of block 0 that was detected: 0, or 7 for wandb-core before 0.17.6. */
  readonly blockBase: number
  /** Whether the first slab left more of the file to read (only then does an open keep the file). */
  #reading: boolean
  #handle: FileHandle | undefined
  #fd: number | undefined
  #slab: Uint8Array
  #readSize: number
  #bytesRead: number

  private constructor(
    framer: LogFramer,
    version: number,
    reading: boolean,
    slab: Uint8Array,
    readSize: number,
    bytesRead: number,
  ) {
    this.framer = framer
    this.version = version
    this.blockBase = framer.blockBase
    this.#reading = reading
    this.#slab = slab
    this.#readSize = readSize
    this.#bytesRead = bytesRead
  }

  /** The file offset read up to so far (the whole length once the end was read). */
  get bytesRead(): number {
    return this.#bytesRead
  }

  /** Opens a `.wandb` file, checks its header and reads its first slab. */
  static async open(path: string, options: LogReaderOptions = {}): Promise<LogReader> {
    // Opening a FIFO for reading blocks until a writer comes: refuse anything but a regular file.
    const info = await stat(path)
    if (!info.isFile()) {
      throw notRegularFileError(path, info, 'wbx reads .wandb logs from regular files only')
    }
    const handle = await open(path, 'r')
    try {
      const slab = new Uint8Array(slabSize(options))
      const n = await readFully(handle, slab, slab.length, 0)
      const reader = LogReader.#first(path, options, slab, n)
      if (reader.#reading) reader.#handle = handle
      else await handle.close()
      return reader
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /**
   * Opens a `.wandb` file synchronously, as `open` (for a run attribute read before any pass
   * over the file; see local_run.ts); read it on with `fillSync`.
   */
  static openSync(path: string, options: LogReaderOptions = {}): LogReader {
    const info = statSync(path)
    if (!info.isFile()) {
      throw notRegularFileError(path, info, 'wbx reads .wandb logs from regular files only')
    }
    const fd = openSync(path, 'r')
    try {
      const slab = new Uint8Array(slabSize(options))
      const reader = LogReader.#first(path, options, slab, readFullySync(fd, slab, slab.length, 0))
      if (reader.#reading) reader.#fd = fd
      else closeSync(fd)
      return reader
    } catch (err) {
      closeSync(fd)
      throw err
    }
  }

  /** A reader over the first `n` bytes read into `slab` from the file's start, by either open. */
  static #first(path: string, options: LogReaderOptions, slab: Uint8Array, n: number): LogReader {
    const report = options.report ?? emptyDamageReport(path)
    const eof = n < slab.length
    return LogReader.#start(slab, n, eof, path, report, options, slab.length)
  }

  /** Frames a whole `.wandb` file already in memory (no copy is made). */
  static fromBytes(
    bytes: Uint8Array,
    options: LogReaderOptions & { file?: string } = {},
  ): LogReader {
    const file = options.file ?? options.report?.file ?? '<bytes>'
    const report = options.report ?? emptyDamageReport(file)
    return LogReader.#start(bytes, bytes.length, true, file, report, options, 0)
  }

  static #start(
    bytes: Uint8Array,
    n: number,
    eof: boolean,
    file: string,
    report: DamageReport,
    options: LogReaderOptions,
    readSize: number,
  ): LogReader {
    const version = n === 0 ? -1 : checkFileHeader(bytes, n, file)
    const base = version < 0 ? 0 : detectBlockBase(bytes, n, eof)
    const framer = new LogFramer(report, { blockBase: base, strict: options.strict })
    if (version < 0) {
      // Empty, or shorter than its header: nothing written yet, or cut while writing the header.
      if (n > 0) {
        report.truncatedTail = true
        framer.lose(0, n, 'truncated tail')
      }
      return new LogReader(framer, version, false, bytes, readSize, n)
    }
    // Unless the file ends in it, the first window must end on a block boundary of the layout.
    const first = eof ? n : base + Math.floor((n - base) / BLOCK_SIZE) * BLOCK_SIZE
    framer.setWindow(bytes, 0, first, eof)
    return new LogReader(framer, version, !eof, bytes, readSize, n)
  }

  /** Advances the framer: FRAME_RECORD, FRAME_NEED_DATA (call `fill`) or FRAME_END. */
  next(): number {
    if (this.version < 0) return FRAME_END
    return this.framer.next()
  }

  /** Reads the next slab from the framer's position, ending on a block boundary. */
  async fill(): Promise<void> {
    const handle = this.#handle
    if (!handle) throw new Error('Cannot read more of a closed or in-memory .wandb log')
    const { start, want } = this.#nextSlab()
    if (this.#took(start, want, await readFully(handle, this.#slab, want, start))) {
      await this.close()
    }
  }

  /** Reads the next slab synchronously, as `fill` (a reader made by `openSync`). */
  fillSync(): void {
    const fd = this.#fd
    if (fd === undefined) throw new Error('Cannot read more of a closed .wandb log')
    const { start, want } = this.#nextSlab()
    if (this.#took(start, want, readFullySync(fd, this.#slab, want, start))) this.closeSync()
  }

  /** Where the next slab starts (the framer's position) and how many bytes reach a block boundary. */
  #nextSlab(): { start: number; want: number } {
    const start = this.framer.position
    const base = this.blockBase
    const end = base + Math.floor((start - base) / BLOCK_SIZE) * BLOCK_SIZE + this.#readSize
    return { start, want: end - start }
  }

  /** Hands the `n` bytes either fill read at `start` to the framer; returns whether the file ended. */
  #took(start: number, want: number, n: number): boolean {
    const eof = n < want
    this.#bytesRead = Math.max(this.#bytesRead, start + n)
    this.framer.setWindow(this.#slab, start, n, eof)
    return eof
  }

  /** Closes a file opened by `openSync`; safe to call more than once. */
  closeSync(): void {
    const fd = this.#fd
    this.#fd = undefined
    if (fd !== undefined) closeSync(fd)
  }

  /** Closes the file; safe to call more than once. */
  async close(): Promise<void> {
    const handle = this.#handle
    this.#handle = undefined
    if (handle) await handle.close()
  }
}

/** One framed record: the file offset of its first chunk and a copy of its payload. */
export interface FramedPayload {
  /** File offset of the record's first chunk. */
  offset: number
  /** The record's payload (a serialized `wandb_internal.Record`). */
  payload: Uint8Array
}

/** Frames a whole `.wandb` image into copied payloads without decoding them (for tools and tests). */
export function framePayloads(
  bytes: Uint8Array,
  options: LogReaderOptions & { file?: string } = {},
): FramedPayload[] {
  const reader = LogReader.fromBytes(bytes, options)
  const f = reader.framer
  const out: FramedPayload[] = []
  while (reader.next() === FRAME_RECORD) {
    out.push({
      offset: f.recordOffset,
      payload: new Uint8Array(f.out.subarray(f.outStart, f.outEnd)),
    })
  }
  return out
}

/** The slab size for a reader: `readSize` in whole blocks, at least four. */
function slabSize(options: LogReaderOptions): number {
  const wanted = Math.floor((options.readSize ?? 1 << 20) / BLOCK_SIZE) * BLOCK_SIZE
  return Math.max(4 * BLOCK_SIZE, wanted)
}

/** As `readFully`, synchronously on a file descriptor. */
function readFullySync(fd: number, buf: Uint8Array, length: number, position: number): number {
  let done = 0
  while (done < length) {
    const bytesRead = readSync(fd, buf, done, length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}

/** Reads up to `length` bytes at `position` into `buf[0, ...)`, looping over short reads; returns the count. */
async function readFully(
  handle: FileHandle,
  buf: Uint8Array,
  length: number,
  position: number,
): Promise<number> {
  let done = 0
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}

export { FRAME_END, FRAME_NEED_DATA, FRAME_RECORD }
