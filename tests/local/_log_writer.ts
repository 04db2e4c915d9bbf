/**
 * Test-only `.wandb` writer implementing the writer algorithm of wandb-local-format.md §2.4
 * (identical in Python DataStore._write_data and Go leveldb.Writer), plus the pre-0.17.6
 * wandb-core layout whose blocks start at file offset 7.
 */
import { crc32 } from '../../src/local/crc32.ts'
import { seededRandom } from '../_seeded_random.ts'

export { seededRandom }

const BLOCK = 32768
const HEADER = 7

/** Options of a test LogWriter. */
export interface LogWriterOptions {
  /** 0 for the standard layout, 7 for wandb-core before 0.17.6. @default 0 */
  blockBase?: number
  /** The header's version byte. @default 0 */
  version?: number
}

/** One chunk the writer emitted: its file offset, payload length and type (1 FULL … 4 LAST). */
export interface WrittenChunk {
  offset: number
  length: number
  type: number
}

/** Builds a `.wandb` file in memory. */
export class LogWriter {
  readonly blockBase: number
  /** Every chunk written, in order. */
  readonly chunks: WrittenChunk[] = []
  /** File offset of each record's first chunk. */
  readonly offsets: number[] = []
  #buf = new Uint8Array(1 << 16)
  #len = 0

  /** Starts a file with the 7-byte `:W&B` header. */
  constructor(options: LogWriterOptions = {}) {
    this.blockBase = options.blockBase ?? 0
    this.#write(Uint8Array.of(0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, options.version ?? 0))
  }

  /** Current file length. */
  get length(): number {
    return this.#len
  }

  /** Bytes left in the current block. */
  get left(): number {
    return BLOCK - ((this.#len - this.blockBase) % BLOCK)
  }

  /** Appends one record payload as FULL, or FIRST/MIDDLE…/LAST chunks; returns the offset of its first chunk. */
  append(payload: Uint8Array): number {
    let left = this.left
    if (left < HEADER) {
      this.#write(new Uint8Array(left))
      left = BLOCK
    }
    const offset = this.#len
    this.offsets.push(offset)
    if (payload.length + HEADER <= left) {
      this.#chunk(1, payload)
      return offset
    }
    let done = left - HEADER
    this.#chunk(2, payload.subarray(0, done))
    while (done < payload.length) {
      const rest = payload.length - done
      const n = Math.min(rest, BLOCK - HEADER)
      this.#chunk(rest + HEADER > BLOCK ? 3 : 4, payload.subarray(done, done + n))
      done += n
    }
    return offset
  }

  /** Appends raw bytes (for building damaged files). */
  raw(bytes: Uint8Array): void {
    this.#write(bytes)
  }

  /** Returns a copy of the file's bytes. */
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len)
  }

  /** Writes one chunk as is, ignoring block rules (for building damaged files). */
  chunk(type: number, payload: Uint8Array): void {
    this.#chunk(type, payload)
  }

  #chunk(type: number, payload: Uint8Array): void {
    const head = new Uint8Array(HEADER)
    const sum = crc32(payload, crc32(Uint8Array.of(type)))
    new DataView(head.buffer).setUint32(0, sum, true)
    head[4] = payload.length & 0xff
    head[5] = payload.length >>> 8
    head[6] = type
    this.chunks.push({ offset: this.#len, length: payload.length, type })
    this.#write(head)
    this.#write(payload)
  }

  #write(bytes: Uint8Array): void {
    if (this.#len + bytes.length > this.#buf.length) {
      const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + bytes.length))
      grown.set(this.#buf.subarray(0, this.#len))
      this.#buf = grown
    }
    this.#buf.set(bytes, this.#len)
    this.#len += bytes.length
  }
}

/** Writes payloads into a new `.wandb` file image. */
export function writeLog(payloads: Uint8Array[], options: LogWriterOptions = {}): Uint8Array {
  const w = new LogWriter(options)
  for (const p of payloads) w.append(p)
  return w.bytes()
}

/** Payload bytes of a given length filled from a seed (not a valid protobuf; for framing tests). */
export function filler(length: number, seed: number): Uint8Array {
  const rnd = seededRandom(seed)
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (rnd() * 256) | 0
  return out
}
