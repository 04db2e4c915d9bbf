/**
 * The stream shape every exporter returns, and the adapter that turns a format encoder into one
 * with real backpressure and temp-file cleanup.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { ColumnBatch } from './column_batch.ts'

/**
 * Rows in, bytes out: structurally a `TransformStream<Row | Row[], Uint8Array>`, so
 * `rows.pipeThrough(toCsv()).pipeTo(file)` works. The writable side takes batches (`Row[]`) or
 * single rows.
 */
export interface ExportStream {
  /** Where rows or row batches are written. */
  readonly writable: WritableStream<Row | Row[]>
  /** The encoded bytes. */
  readonly readable: ReadableStream<Uint8Array>
  /**
   * Resolves once the exporter has ended (finished, errored, aborted or cancelled) and removed its
   * temporary files; absent for exporters that never make any.
   */
  readonly settled?: Promise<void>
}

/** Where an encoder sends bytes; `push` resolves when the consumer wants more. */
export interface ByteOutput {
  /** Hands bytes to the consumer; the array must not be changed afterwards. */
  push(bytes: Uint8Array): Promise<void>
}

/** A format encoder driven by {@linkcode encoderStream}. */
export interface RowEncoder {
  /** Encodes one batch. */
  write(rows: Row[], out: ByteOutput): void | Promise<void>
  /** Encodes a batch of columns (`column_batch.ts`); absent: the encoder takes rows only. */
  writeColumns?(batch: ColumnBatch, out: ByteOutput): void | Promise<void>
  /** Emits everything still held, at the end of the input. */
  close(out: ByteOutput): void | Promise<void>
  /** Frees temporary files; called once after close, error, abort or cancel. */
  dispose(): Promise<void>
}

/** Normalises a chunk to a batch. */
export function toBatch(chunk: Row | Row[]): Row[] {
  return Array.isArray(chunk) ? chunk : [chunk]
}

/**
 * Wraps an encoder as an ExportStream. Bytes go through an identity TransformStream, so the
 * encoder waits (in `push`) while the consumer is behind; cancelling the readable side errors
 * the writable side and disposes the encoder at once, and so does aborting the writable side.
 */
export function encoderStream(encoder: RowEncoder): ExportStream {
  const pipe = new TransformStream<Uint8Array, Uint8Array>()
  const writer = pipe.writable.getWriter()
  // The encoder call in flight; dispose waits for it so it cannot create a file after cleanup.
  let busy: Promise<unknown> = Promise.resolve()
  let disposed: Promise<void> | undefined
  let markSettled = noop
  const settled = new Promise<void>((resolve) => (markSettled = resolve))
  const dispose = (): Promise<
    void
  > => (disposed ??= busy.then(noop, noop).then(() => encoder.dispose()).catch(noop).then(
    markSettled,
  ))
  const out: ByteOutput = {
    async push(bytes) {
      await writer.ready
      writer.write(bytes).catch(noop)
    },
  }
  let sink: WritableStreamDefaultController | undefined
  writer.closed.catch((reason) => {
    // The consumer cancelled, or we aborted: stop the producer and remove temp files now.
    sink?.error(reason)
    dispose()
  })
  const fail = async (reason: unknown): Promise<void> => {
    await dispose()
    await writer.abort(reason).catch(noop)
  }
  const run = async (step: () => void | Promise<void>): Promise<void> => {
    const call = Promise.resolve().then(step)
    busy = call
    try {
      await call
    } catch (err) {
      await fail(err)
      throw err
    }
  }
  const writable = new WritableStream<Row | Row[]>({
    start(controller) {
      sink = controller
    },
    write(chunk) {
      if (chunk instanceof ColumnBatch) {
        return run(() => {
          if (!encoder.writeColumns) {
            throw new TypeError('Cannot write a column batch: this format takes rows only')
          }
          return encoder.writeColumns(chunk, out)
        })
      }
      return run(() => encoder.write(toBatch(chunk), out))
    },
    async close() {
      await run(() => encoder.close(out))
      await dispose()
      await writer.close()
    },
    async abort(reason) {
      await fail(reason)
    },
  })
  return { writable, readable: pipe.readable, settled }
}

/** Does nothing (for ignored promise outcomes). */
function noop(): void {}
