/**
 * A stream over one batch already in memory (rows of a listing, a one-row document, the bytes
 * of a rendered file), for the APIs that take a stream.
 *
 * @module
 */

/** A stream that yields `batch` once, or nothing when it is empty, and ends. */
export function oneBatch<T extends ArrayLike<unknown>>(batch: T): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      if (batch.length > 0) controller.enqueue(batch)
      controller.close()
    },
  })
}
