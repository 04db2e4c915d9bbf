/**
 * Holding area for CSV records whose header is not known yet: records go to memory, then to a
 * temporary file past a size limit, and are replayed at the end with each record padded to the
 * final column count (new columns are always appended, so padding is trailing commas).
 *
 * In the spool every record ends with a bare LF. On replay a scan that tracks quotes finds the
 * record ends and writes padding plus the requested line ending there.
 *
 * @module
 */
import type { ByteOutput } from './export_stream.ts'
import { concatBytes } from '../bytes.ts'
import { createTempFile, discardTempFile, readAt, type TempFile, writeAll } from './temp_file.ts'

/** A run of consecutive records that were written with the same column count. */
interface Epoch {
  width: number
  records: number
}

const READ_CHUNK = 1 << 20

/** Spooled CSV records plus the column count each one was written with. */
export class CsvSpool {
  #held: Uint8Array[] = []
  #heldBytes = 0
  #file: TempFile | undefined
  #fileBytes = 0
  #epochs: Epoch[] = []
  #memoryBytes: number
  #tempDir: string | undefined

  /** Keeps up to `memoryBytes` in memory before moving everything to a file in `tempDir`. */
  constructor(memoryBytes: number, tempDir: string | undefined) {
    this.#memoryBytes = memoryBytes
    this.#tempDir = tempDir
  }

  /** Appends `records` records of `width` fields each, LF-terminated, encoded as `bytes`. */
  async append(bytes: Uint8Array, records: number, width: number): Promise<void> {
    const last = this.#epochs[this.#epochs.length - 1]
    if (last && last.width === width) last.records += records
    else this.#epochs.push({ width, records })
    if (this.#file) {
      await writeAll(this.#file.handle, bytes)
      this.#fileBytes += bytes.length
      return
    }
    this.#held.push(bytes)
    this.#heldBytes += bytes.length
    if (this.#heldBytes > this.#memoryBytes) {
      this.#file = await createTempFile('csv', this.#tempDir)
      for (const chunk of this.#held) await writeAll(this.#file.handle, chunk)
      this.#fileBytes = this.#heldBytes
      this.#held = []
      this.#heldBytes = 0
    }
  }

  /** Sends every record to `out`, padded to `width` fields and ended with `eol`. */
  async replay(out: ByteOutput, width: number, eol: string): Promise<void> {
    const rewrite = eol !== '\n' || this.#epochs.some((e) => e.width !== width)
    const ends = rewrite ? new RecordEnds(this.#epochs, width, eol) : undefined
    if (!this.#file) {
      for (const chunk of this.#held) await out.push(ends ? ends.rewrite(chunk) : chunk)
      this.#held = []
      return
    }
    const { handle } = this.#file
    for (let position = 0; position < this.#fileBytes; position += READ_CHUNK) {
      const chunk = await readAt(handle, position, Math.min(READ_CHUNK, this.#fileBytes - position))
      await out.push(ends ? ends.rewrite(chunk) : chunk)
    }
  }

  /** Removes the temporary file, if one was made. */
  async dispose(): Promise<void> {
    const file = this.#file
    this.#file = undefined
    this.#held = []
    await discardTempFile(file)
  }
}

/** Finds record-ending LFs outside quotes across chunks and replaces each with padding + eol. */
class RecordEnds {
  #epochs: Epoch[]
  #width: number
  #eol: string
  #epoch = -1
  #left = 0
  #suffix = new Uint8Array(0)
  #inQuotes = false

  /** Pads records of each epoch to `width` fields. */
  constructor(epochs: Epoch[], width: number, eol: string) {
    this.#epochs = epochs
    this.#width = width
    this.#eol = eol
    this.#next()
  }

  /** Moves to the next epoch with records and builds its padding + eol suffix. */
  #next(): void {
    do this.#epoch++
    while (this.#epoch < this.#epochs.length && this.#epochs[this.#epoch].records === 0)
    const epoch = this.#epochs[this.#epoch]
    if (!epoch) return
    this.#left = epoch.records
    const missing = this.#width - Math.max(epoch.width, 1)
    // A lone empty field would be a blank line, which readers skip: write it as "".
    const pad = epoch.width === 0 && this.#width === 1 ? '""' : ','.repeat(Math.max(missing, 0))
    this.#suffix = new TextEncoder().encode(pad + this.#eol)
  }

  /** Returns the chunk with its record ends rewritten. */
  rewrite(chunk: Uint8Array): Uint8Array {
    const pieces: Uint8Array[] = []
    let total = 0
    let start = 0
    let quoted = this.#inQuotes
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]
      if (byte === 34) quoted = !quoted
      else if (byte === 10 && !quoted) {
        const piece = chunk.subarray(start, i)
        pieces.push(piece, this.#suffix)
        total += piece.length + this.#suffix.length
        start = i + 1
        if (--this.#left === 0) this.#next()
      }
    }
    this.#inQuotes = quoted
    const tail = chunk.subarray(start)
    pieces.push(tail)
    total += tail.length
    return concatBytes(pieces, total)
  }
}
