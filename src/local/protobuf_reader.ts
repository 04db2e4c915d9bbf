/**
 * A minimal protobuf wire-format reader for the hot path of `.wandb` decoding: varints (up
 * to 64 bits), fixed64/fixed32, length-delimited fields, and skipping of unknown fields.
 * One reader is reused for every record; sub-messages are read by narrowing `end`.
 *
 * @module
 */
import { latin1Text } from '../runtime.ts'
import { ProtobufDecodeError } from './errors.ts'

/** Wire type 0: int32, int64, uint32, uint64, sint*, bool, enum. */
export const WIRE_VARINT = 0
/** Wire type 1: fixed64, sfixed64, double. */
export const WIRE_FIXED64 = 1
/** Wire type 2: string, bytes, sub-message, packed repeated. */
export const WIRE_LEN = 2
/** Wire type 5: fixed32, sfixed32, float. */
export const WIRE_FIXED32 = 5

const TWO_32 = 4294967296
const utf8 = new TextDecoder('utf-8')
const scratch = new DataView(new ArrayBuffer(8))

const codes: number[] = []

/** Decodes UTF-8 bytes `buf[start, end)`; short ASCII runs skip the TextDecoder call. */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  const n = end - start
  if (n > 64) return utf8.decode(buf.subarray(start, end))
  if (latin1Text !== undefined) {
    for (let i = start; i < end; i++) {
      if (buf[i] > 0x7f) return utf8.decode(buf.subarray(start, end))
    }
    return latin1Text(buf, start, end)
  }
  codes.length = n
  for (let i = 0; i < n; i++) {
    const b = buf[start + i]
    if (b > 0x7f) return utf8.decode(buf.subarray(start, end))
    codes[i] = b
  }
  return String.fromCharCode.apply(null, codes)
}

/** Reads protobuf fields from `buf[pos, end)`; every read throws ProtobufDecodeError past `end`. */
export class ProtoReader {
  /** The bytes being read. */
  buf: Uint8Array
  /** Next byte to read. */
  pos: number
  /** End of the current message (exclusive). */
  end: number
  /** High 32 bits of the last 64-bit varint read by `varint64`. */
  hi = 0
  /** Low 32 bits of the last 64-bit varint read by `varint64`. */
  lo = 0

  /** Creates a reader over `buf[pos, end)`. */
  constructor(buf: Uint8Array = new Uint8Array(0), pos = 0, end: number = buf.length) {
    this.buf = buf
    this.pos = pos
    this.end = end
  }

  /** Points the reader at new bytes without allocating. */
  reset(buf: Uint8Array, pos = 0, end: number = buf.length): void {
    this.buf = buf
    this.pos = pos
    this.end = end
  }

  /** Throws a ProtobufDecodeError at the current position. */
  fail(message: string): never {
    throw new ProtobufDecodeError(message, this.pos)
  }

  /** Reads a field tag (`field << 3 | wireType`); callers loop while `pos < end`. */
  tag(): number {
    const t = this.uint32()
    if (t >>> 3 === 0) this.fail(`invalid field number 0 (tag ${t})`)
    return t
  }

  /** Reads a varint and returns its low 32 bits as an unsigned number (uint32, enum, tag). */
  uint32(): number {
    const buf = this.buf
    let p = this.pos
    if (p < this.end && buf[p] < 0x80) {
      this.pos = p + 1
      return buf[p]
    }
    let v = 0
    for (let shift = 0; shift < 32; shift += 7) {
      if (p >= this.end) this.fail('truncated varint')
      const b = buf[p++]
      v |= (b & 0x7f) << shift
      if (b < 0x80) {
        this.pos = p
        return v >>> 0
      }
    }
    // Bits above 32 (negative int32 values use 10 bytes): skip them.
    for (let i = 0; i < 5; i++) {
      if (p >= this.end) this.fail('truncated varint')
      if (buf[p++] < 0x80) {
        this.pos = p
        return v >>> 0
      }
    }
    return this.fail('varint longer than 10 bytes')
  }

  /** Reads a varint as a signed 32-bit integer (int32, enum). */
  int32(): number {
    return this.uint32() | 0
  }

  /** Reads a varint as a boolean. */
  bool(): boolean {
    this.varint64()
    return (this.lo | this.hi) !== 0
  }

  /** Reads a full 64-bit varint into `lo`/`hi` (two unsigned 32-bit halves). */
  varint64(): void {
    const buf = this.buf
    let p = this.pos
    let lo = 0
    let hi = 0
    let b = 0
    for (let shift = 0; shift < 28; shift += 7) {
      if (p >= this.end) this.fail('truncated varint')
      b = buf[p++]
      lo |= (b & 0x7f) << shift
      if (b < 0x80) return this.#done64(p, lo, 0)
    }
    if (p >= this.end) this.fail('truncated varint')
    b = buf[p++]
    lo |= (b & 0x0f) << 28
    hi = (b & 0x7f) >> 4
    if (b < 0x80) return this.#done64(p, lo, hi)
    for (let shift = 3; shift < 32; shift += 7) {
      if (p >= this.end) this.fail('truncated varint')
      b = buf[p++]
      hi |= (b & 0x7f) << shift
      if (b < 0x80) return this.#done64(p, lo, hi)
    }
    this.fail('varint longer than 10 bytes')
  }

  /** Stores a finished 64-bit varint and the position after it. */
  #done64(p: number, lo: number, hi: number): void {
    this.pos = p
    this.lo = lo >>> 0
    this.hi = hi >>> 0
  }

  /** Reads an int64 varint as a number: exact within ±2^53, the nearest double beyond (see `int64String`). */
  int64(): number {
    this.varint64()
    return (this.hi | 0) * TWO_32 + this.lo
  }

  /** Reads a uint64 varint as a number: exact up to 2^53, the nearest double beyond (see `uint64String`). */
  uint64(): number {
    this.varint64()
    return this.hi * TWO_32 + this.lo
  }

  /** Reads an int64 varint as exact decimal text (protojson renders 64-bit integers as strings). */
  int64String(): string {
    this.varint64()
    return exactDecimal(this.hi, this.lo, true)
  }

  /** Reads a uint64 varint as exact decimal text. */
  uint64String(): string {
    this.varint64()
    return exactDecimal(this.hi, this.lo, false)
  }

  /** Reads a zigzag-encoded sint64 varint as exact decimal text. */
  sint64String(): string {
    this.varint64()
    const neg = this.lo & 1
    // Unsigned shift right by one across the two halves, then flip all bits when negative.
    let lo = ((this.lo >>> 1) | (this.hi << 31)) >>> 0
    let hi = this.hi >>> 1
    if (neg) {
      lo = ~lo >>> 0
      hi = ~hi >>> 0
    }
    return exactDecimal(hi, lo, true)
  }

  /** Reads a little-endian IEEE double (wire type 1). */
  double(): number {
    const p = this.pos
    if (p + 8 > this.end) this.fail('truncated fixed64')
    const b = this.buf
    for (let i = 0; i < 8; i++) scratch.setUint8(i, b[p + i])
    this.pos = p + 8
    return scratch.getFloat64(0, true)
  }

  /** Reads a little-endian unsigned 32-bit integer (wire type 5). */
  fixed32(): number {
    const p = this.pos
    if (p + 4 > this.end) this.fail('truncated fixed32')
    const b = this.buf
    this.pos = p + 4
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0
  }

  /** Reads the length of a length-delimited field and returns the field's end; `pos` is left at its first byte. */
  lengthEnd(): number {
    const len = this.uint32()
    const end = this.pos + len
    if (len > 0x7fffffff || end > this.end) {
      this.fail(
        `length ${len} runs past the end of the message (${this.end - this.pos} bytes left)`,
      )
    }
    return end
  }

  /** Reads a length-delimited UTF-8 string. */
  string(): string {
    const end = this.lengthEnd()
    const start = this.pos
    this.pos = end
    return decodeUtf8(this.buf, start, end)
  }

  /** Skips one field's value of the given wire type; groups are rejected (W&B never uses them). */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64()
        return
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) this.fail('truncated fixed64')
        this.pos += 8
        return
      case WIRE_LEN:
        this.pos = this.lengthEnd()
        return
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) this.fail('truncated fixed32')
        this.pos += 4
        return
      default:
        this.fail(
          `unsupported wire type ${wireType}${wireType === 3 || wireType === 4 ? ' (group)' : ''}`,
        )
    }
  }
}

/** Formats a 64-bit integer given as two unsigned halves as exact decimal text. */
function exactDecimal(hi: number, lo: number, signed: boolean): string {
  if (signed && hi & 0x80000000) {
    if (hi === 0xffffffff && lo !== 0) return String(lo - TWO_32)
    return (BigInt(hi | 0) * 4294967296n + BigInt(lo)).toString()
  }
  if (hi <= 0x1fffff) return String(hi * TWO_32 + lo)
  return (BigInt(hi) * 4294967296n + BigInt(lo)).toString()
}
