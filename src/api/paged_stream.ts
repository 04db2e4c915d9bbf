/**
 * A pull-based stream over a cursor-paged GraphQL connection, with at most one page prefetched.
 *
 * @module
 */

/** One fetched page: its items and the cursor of the next page (undefined when there is none). */
export interface Page<T> {
  /** The page's items, in server order. */
  items: T[]
  /** Cursor for the next page; undefined ends the stream. */
  next: string | undefined
}

/** Options of {@link pagedStream}. */
export interface PagedStreamOptions {
  /** Cancels the stream and the page in flight. */
  signal?: AbortSignal
  /** Fetch page N+1 while the consumer handles page N (never further ahead). @default true */
  prefetch?: boolean
}

/**
 * Streams pages from `fetchPage(cursor, signal)`: the first call gets `undefined`, each later call
 * the previous page's `next`. Work happens in `pull()` (high-water mark 0), so nothing is fetched
 * until the consumer reads, and at most one page beyond the one delivered is in flight.
 * Empty pages are skipped (never enqueued) but paging continues while a cursor is given.
 */
export function pagedStream<T>(
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
  options: PagedStreamOptions = {},
): ReadableStream<T[]> {
  const prefetch = options.prefetch ?? true
  const controller = new AbortController()
  const outer = options.signal
  const onAbort = (): void => controller.abort(outer!.reason)
  let ahead: Promise<Page<T>> | undefined
  let cursor: string | undefined
  let done = false

  const start = (c: string | undefined): Promise<Page<T>> => {
    const p = fetchPage(c, controller.signal)
    p.catch(() => {}) // a prefetched page may fail after cancel; the error surfaces when awaited
    return p
  }
  const cleanup = (): void => {
    outer?.removeEventListener('abort', onAbort)
  }

  return new ReadableStream<T[]>(
    {
      start() {
        if (outer?.aborted) controller.abort(outer.reason)
        else outer?.addEventListener('abort', onAbort, { once: true })
      },
      async pull(stream) {
        try {
          while (true) {
            if (controller.signal.aborted) throw controller.signal.reason
            const asked = cursor
            const page = await (ahead ?? start(cursor))
            ahead = undefined
            if (page.next !== undefined && page.next === asked && page.items.length === 0) {
              throw new Error(
                `Cannot page further: the server returned an empty page with the same cursor '${asked}'`,
              )
            }
            cursor = page.next
            done = cursor === undefined
            if (!done && prefetch) ahead = start(cursor)
            if (page.items.length > 0) stream.enqueue(page.items)
            if (done) {
              cleanup()
              stream.close()
              return
            }
            if (page.items.length > 0) return
          }
        } catch (err) {
          cleanup()
          controller.abort(err)
          throw err
        }
      },
      cancel(reason) {
        cleanup()
        controller.abort(reason ?? new DOMException('stream cancelled', 'AbortError'))
      },
    },
    { highWaterMark: 0 },
  )
}

/** Reads a whole stream of batches into one array (for small results such as `run.file(name)`). */
export async function collect<T>(stream: ReadableStream<T[]>): Promise<T[]> {
  const out: T[] = []
  const reader = stream.getReader()
  while (true) {
    const { done, value } = await reader.read()
    if (done) return out
    for (const item of value) out.push(item)
  }
}
