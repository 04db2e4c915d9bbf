/**
 * The pull stream under every remote listing and follower: work happens in `pull()` (high-water
 * mark 0, so nothing runs until the consumer reads), under an abort link to the caller's signal
 * (`linkedAbort`). A pull that throws, or `cancel()`, unlinks from the caller's signal and aborts
 * the link, stopping whatever the stream had in flight (a request, a sleep, a prefetched page).
 *
 * @module
 */

/** The abort link a stream works under (`linkedAbort(signal)`). */
export interface AbortLink {
  /** Aborted when the caller's signal is, when a pull fails, or on cancel. */
  controller: AbortController
  /** Stops following the caller's signal. */
  unlink: () => void
}

/** Options of {@linkcode linkedPullStream}. */
export interface LinkedPullStreamOptions {
  /** The abort reason for a `cancel(reason)`. @default the cancel reason itself */
  cancelReason?: (reason: unknown) => unknown
}

/** A stream whose `pull` runs under `link`: a failed pull or a cancel unlinks and aborts it (see the module). */
export function linkedPullStream<T>(
  link: AbortLink,
  pull: (c: ReadableStreamDefaultController<T>) => Promise<void>,
  options: LinkedPullStreamOptions = {},
): ReadableStream<T> {
  const { controller, unlink } = link
  return new ReadableStream<T>({
    async pull(c) {
      try {
        await pull(c)
      } catch (err) {
        unlink()
        controller.abort(err)
        throw err
      }
    },
    cancel(reason) {
      unlink()
      controller.abort(options.cancelReason ? options.cancelReason(reason) : reason)
    },
  }, { highWaterMark: 0 })
}
