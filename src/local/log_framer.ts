/**
 * The LevelDB-log framing of a `.wandb` file, as a synchronous state machine over a window of
 * the file's bytes: 32 KiB blocks, 7-byte chunk headers, CRC-32 over type byte and payload,
 * FULL/FIRST/MIDDLE/LAST reassembly, and Go-reader recovery (skip to the next block) with
 * every lost byte range recorded in a DamageReport.
 *
 * @module
 */
import { crc32 } from './crc32.ts'
import type { DamageReport } from './damage_report.ts'
import { WandbLogDamageError } from './errors.ts'

/** Size of a log block; chunks never cross a block boundary. */
export const BLOCK_SIZE = 32768
/** Size of a chunk header: checksum (4), length (2), type (1). */
export const CHUNK_HEADER_SIZE = 7
/** Size of the `:W&B` file header. */
export const FILE_HEADER_SIZE = 7

/** `next()` result: a record is available in `out`, `outStart`, `outEnd`. */
export const FRAME_RECORD = 1
/** `next()` result: the window is used up; give the framer the bytes from `position` on. */
export const FRAME_NEED_DATA = 0
/** `next()` result: the end of the file was reached. */
export const FRAME_END = -1

const FULL = 1
const FIRST = 2
const MIDDLE = 3
const LAST = 4
/** Reassembly buffers above this size are released once their record is done. */
const KEEP_ASSEMBLY_BYTES = 8 << 20

/** Options of a LogFramer. */
export interface LogFramerOptions {
  /**
   * File offset of block 0: 0 for every standard file, 7 for wandb-core before 0.17.6.
   * @default 0
   */
  blockBase?: number
  /**
   * Throw a WandbLogDamageError at the first lost byte range instead of skipping it.
   * @default false
   */
  strict?: boolean
}

/** Splits a `.wandb` byte stream into record payloads, recovering from damage like the Go reader. */
export class LogFramer {
  /** Where lost ranges and the truncated-tail flag are recorded. */
  readonly report: DamageReport
  /** File offset of block 0 (0, or 7 for the pre-0.17.6 wandb-core layout). */
  readonly blockBase: number
  /** Whether damage throws. */
  readonly strict: boolean
  /** Buffer holding the last record's payload (valid until the next call to `next`). */
  out: Uint8Array = new Uint8Array(0)
  /** Start of the last record's payload in `out`. */
  outStart = 0
  /** End of the last record's payload in `out`. */
  outEnd = 0
  /** File offset of the last record's first chunk. */
  recordOffset = 0
  /** File offset just past the last record's last chunk. */
  recordEnd = 0

  #buf: Uint8Array = new Uint8Array(0)
  #bufStart = 0
  #winEnd = 0
  #eof = false
  #pos = FILE_HEADER_SIZE
  #ended = false
  #asm = new Uint8Array(0)
  #asmLen = 0
  #pendingStart = -1

  /** Creates a framer that records damage into `report`. */
  constructor(report: DamageReport, options: LogFramerOptions = {}) {
    this.report = report
    this.blockBase = options.blockBase ?? 0
    this.strict = options.strict ?? false
  }

  /** File offset of the next chunk to read; a window given after FRAME_NEED_DATA must start at or before it. */
  get position(): number {
    return this.#pos
  }

  /**
   * Gives the framer file bytes `[start, start + length)` held in `buf[0, length)`; `eof` says
   * the file ends there. Unless `eof`, the window must end on a block boundary so that lost
   * ranges are recorded whole.
   */
  setWindow(buf: Uint8Array, start: number, length: number, eof: boolean): void {
    if (start > this.#pos) {
      throw new RangeError(
        `Cannot frame from offset ${start}: the framer needs bytes from ${this.#pos}`,
      )
    }
    this.#buf = buf
    this.#bufStart = start
    this.#winEnd = start + length
    this.#eof = eof
  }

  /** Records a lost byte range (merging it with an adjacent one of the same reason); throws in strict mode. */
  lose(start: number, end: number, reason: string): void {
    if (end <= start) return
    const ranges = this.report.lostRanges
    const last = ranges[ranges.length - 1]
    if (last && last.end === start && last.reason === reason) last.end = end
    else ranges.push({ start, end, reason })
    if (this.strict) throw new WandbLogDamageError(this.report.file, { start, end, reason })
  }

  /** Advances to the next intact record; returns FRAME_RECORD, FRAME_NEED_DATA or FRAME_END. */
  next(): number {
    const buf = this.#buf
    for (;;) {
      const pos = this.#pos
      const winEnd = this.#winEnd
      if (pos >= winEnd) return this.#eof ? this.#finish(pos) : FRAME_NEED_DATA
      const left = BLOCK_SIZE - (pos - this.blockBase) % BLOCK_SIZE
      const blockEnd = pos + left
      if (left < CHUNK_HEADER_SIZE) {
        // Block trailer: the writer zero-fills it; anything else there is damage.
        const end = Math.min(blockEnd, winEnd)
        for (let j = pos - this.#bufStart, e = end - this.#bufStart; j < e; j++) {
          if (buf[j] !== 0) {
            this.lose(pos, end, 'nonzero block trailer')
            break
          }
        }
        this.#pos = blockEnd
        continue
      }
      if (pos + CHUNK_HEADER_SIZE > winEnd) {
        return this.#eof ? this.#truncated(pos) : FRAME_NEED_DATA
      }
      const i = pos - this.#bufStart
      const sum = (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)) >>> 0
      const len = buf[i + 4] | (buf[i + 5] << 8)
      const type = buf[i + 6]
      if (len + CHUNK_HEADER_SIZE > left) {
        this.#skipBlock(pos, blockEnd, `chunk length ${len} overruns the block`)
        continue
      }
      const chunkEnd = pos + CHUNK_HEADER_SIZE + len
      if (chunkEnd > winEnd) return this.#eof ? this.#truncated(pos) : FRAME_NEED_DATA
      if (sum === 0 && len === 0 && type === 0) {
        this.#skipBlock(pos, blockEnd, 'zero-filled block')
        continue
      }
      if (crc32(buf, 0, i + 6, i + CHUNK_HEADER_SIZE + len) !== sum) {
        this.#skipBlock(pos, blockEnd, 'checksum mismatch')
        continue
      }
      const payloadStart = i + CHUNK_HEADER_SIZE
      switch (type) {
        case FULL:
          this.#dropPending(pos)
          this.#pos = chunkEnd
          this.out = buf
          this.outStart = payloadStart
          this.outEnd = payloadStart + len
          this.recordOffset = pos
          this.recordEnd = chunkEnd
          return FRAME_RECORD
        case FIRST:
          this.#dropPending(pos)
          this.#pendingStart = pos
          this.#asmLen = 0
          if (this.#asm.length > KEEP_ASSEMBLY_BYTES) this.#asm = new Uint8Array(0)
          this.#append(buf, payloadStart, len)
          this.#pos = chunkEnd
          continue
        case MIDDLE:
        case LAST:
          this.#pos = chunkEnd
          if (this.#pendingStart < 0) {
            this.lose(pos, chunkEnd, type === LAST ? 'orphan LAST chunk' : 'orphan MIDDLE chunk')
            continue
          }
          this.#append(buf, payloadStart, len)
          if (type === MIDDLE) continue
          this.out = this.#asm
          this.outStart = 0
          this.outEnd = this.#asmLen
          this.recordOffset = this.#pendingStart
          this.recordEnd = chunkEnd
          this.#pendingStart = -1
          return FRAME_RECORD
        default:
          this.#skipBlock(pos, blockEnd, `bad chunk type ${type}`)
      }
    }
  }

  /** Skips the rest of the block after damage at `pos`, losing any record in progress too. */
  #skipBlock(pos: number, blockEnd: number, reason: string): void {
    const start = this.#pendingStart >= 0 ? this.#pendingStart : pos
    this.#pendingStart = -1
    this.#pos = blockEnd
    this.lose(start, Math.min(blockEnd, this.#winEnd), reason)
  }

  /** Drops a FIRST..MIDDLE record that a new FULL or FIRST chunk interrupted. */
  #dropPending(pos: number): void {
    if (this.#pendingStart < 0) return
    const start = this.#pendingStart
    this.#pendingStart = -1
    this.lose(start, pos, 'record without its LAST chunk')
  }

  /** Ends reading at a chunk cut short by the end of the file. */
  #truncated(pos: number): number {
    const start = this.#pendingStart >= 0 ? this.#pendingStart : pos
    this.#pendingStart = -1
    this.#pos = this.#winEnd
    this.report.truncatedTail = true
    this.lose(start, this.#winEnd, 'truncated tail')
    return this.#finish(this.#winEnd)
  }

  /** Ends reading at the end of the file; a record still being assembled is a truncated tail. */
  #finish(pos: number): number {
    if (!this.#ended) {
      this.#ended = true
      if (this.#pendingStart >= 0) {
        const start = this.#pendingStart
        this.#pendingStart = -1
        this.report.truncatedTail = true
        this.lose(start, Math.min(pos, this.#winEnd), 'truncated tail')
      }
      this.#asm = new Uint8Array(0)
    }
    return FRAME_END
  }

  /** Appends a chunk payload to the reassembly buffer, growing it by doubling. */
  #append(buf: Uint8Array, start: number, len: number): void {
    const need = this.#asmLen + len
    if (need > this.#asm.length) {
      const grown = new Uint8Array(Math.max(need, this.#asm.length * 2, 65536))
      grown.set(this.#asm.subarray(0, this.#asmLen))
      this.#asm = grown
    }
    this.#asm.set(buf.subarray(start, start + len), this.#asmLen)
    this.#asmLen = need
  }
}
