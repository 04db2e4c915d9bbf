/**
 * hyparquet-writer `Writer`s that hand each finished row group to an async consumer (a file or
 * the export stream) and wait for it, so a slow consumer holds the encoder back.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises'
import { ByteWriter } from 'hyparquet-writer'
import { lendPiece, PIECE_BYTES } from '../byte_pieces.ts'
import { giveBack, takeBuffer } from './buffer_pool.ts'
import type { ByteOutput } from './export_stream.ts'
import { readAt, writeAll } from './temp_file.ts'

/** A ByteWriter that grows into memory it does not zero-fill first (from `buffer_pool.ts`). */
export class GrowingWriter extends ByteWriter {
  /** Starts with room for `size` bytes. */
  constructor(size: number) {
    super(0)
    this.buffer = takeBuffer(size)
    this.view = new DataView(this.buffer)
  }

  /**
   * Makes room for `size` more bytes, growing like ByteWriter (double, or to fit) into memory that
   * is not zero-filled first: only the bytes already written are copied over.
   */
  override ensure(size: number): void {
    if (this.index + size <= this.buffer.byteLength) return
    const grown = takeBuffer(Math.max(this.buffer.byteLength * 2, this.index + size))
    new Uint8Array(grown).set(new Uint8Array(this.buffer, 0, this.index))
    this.buffer = grown
    this.view = new DataView(this.buffer)
  }
}

/** A ByteWriter whose flush() (called by ParquetWriter after each row group) drains to a consumer. */
export class SinkWriter extends GrowingWriter {
  #consume: (bytes: Uint8Array) => Promise<void>
  #copy: boolean

  /** With `copy`, the consumer gets its own bytes; without, a view it must finish with before resolving. */
  constructor(consume: (bytes: Uint8Array) => Promise<void>, copy: boolean) {
    super(1 << 16)
    this.#consume = consume
    this.#copy = copy
  }

  /** Sends the buffered bytes to the consumer and empties the buffer. */
  async flush(): Promise<void> {
    const length = this.index
    if (length === 0) return
    if (!this.#copy) {
      await this.#consume(new Uint8Array(this.buffer, 0, length))
    } else {
      // Copies go out in pieces, so a slow consumer holds one piece, not a whole row group; a
      // consumer that gives them back once written (`byte_pieces.ts`) saves an array a piece.
      for (let offset = 0; offset < length; offset += PIECE_BYTES) {
        const size = Math.min(PIECE_BYTES, length - offset)
        const piece = lendPiece(size)
        piece.set(new Uint8Array(this.buffer, offset, size))
        await this.#consume(piece)
      }
    }
    this.index = 0
  }

  /** Sends the rest (the footer) to the consumer. */
  override finish(): Promise<void> {
    return this.flush()
  }

  /**
   * Gives the buffer back to the pool once the file is done (flushed, and its consumer finished
   * with every view); a later write starts a new one.
   */
  release(): void {
    giveBack(this.buffer)
    this.buffer = new ArrayBuffer(0)
    this.view = new DataView(this.buffer)
    this.index = 0
  }
}

/** A writer that streams to an ExportStream's output. */
export function outputWriter(out: ByteOutput): SinkWriter {
  return new SinkWriter((bytes) => out.push(bytes), true)
}

/** A writer that appends to an open file. */
export function fileWriter(handle: FileHandle): SinkWriter {
  return new SinkWriter((bytes) => writeAll(handle, bytes), false)
}

/** A hyparquet AsyncBuffer reading `byteLength` bytes of an open file by position. */
export function handleBuffer(
  handle: FileHandle,
  byteLength: number,
): { byteLength: number; slice(start: number, end?: number): Promise<ArrayBuffer> } {
  return {
    byteLength,
    async slice(start, end = byteLength) {
      const bytes = await readAt(handle, start, end - start)
      return bytes.byteLength === bytes.buffer.byteLength
        ? bytes.buffer as ArrayBuffer
        : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    },
  }
}
