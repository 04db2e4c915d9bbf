/**
 * A pull-based stream over a cursor-paged GraphQL connection, with at most one page prefetched,
 * guarded against servers that page forever: a cursor seen before, more pages than the declared
 * total allows, or more items than it declares end the stream with an error, and page requests
 * are spaced to at most `maxPagesPerSecond`.
 *
 * @module
 */
import { sleep } from '../http/retry_policy.ts'
import { linkedAbort } from '../linked_abort.ts'
import { linkedPullStream } from './linked_pull_stream.ts'

/** One fetched page: its items and the cursor of the next page (undefined when there is none). */
export interface Page<T> {
  /** The page's items, in server order. */
  items: T[]
  /** Cursor for the next page; undefined ends the stream. */
  next: string | undefined
  /** How many items the whole connection holds, as the server declares (`totalCount`, `runCount`). */
  total?: number
  /** Edges the page carried before any were filtered out. @default items.length */
  received?: number
}

/** Options of {@link pagedStream}. */
export interface PagedStreamOptions {
  /** Cancels the stream and the page in flight. */
  signal?: AbortSignal
  /** Fetch page N+1 while the consumer handles page N (never further ahead). @default true */
  prefetch?: boolean
  /** Items asked for per page; with a declared total it bounds the number of pages. */
  pageSize?: number
  /** What the stream lists, for errors (`runs of e/p`). @default 'pages' */
  label?: string
  /**
   * Most page requests started per second. A real W&B page takes 100 ms or more to answer, so
   * this binds only on a server answering at once (a broken one paging forever). @default 20
   */
  maxPagesPerSecond?: number
}

/** Cursors remembered to detect a repeat (a longer cycle is caught by the declared total). */
const MAX_REMEMBERED_CURSORS = 100_000

/** Tracks what the server declared and sent, and refuses pages it cannot have. */
class PageGuard {
  #seen = new Set<string>()
  #pages = 0
  #received = 0
  #total: number | undefined
  #options: PagedStreamOptions

  constructor(options: PagedStreamOptions) {
    this.#options = options
  }

  /** Checks a page against repeats and declared totals; throws when paging cannot end. */
  check<T>(page: Page<T>): void {
    const label = this.#options.label ?? 'pages'
    this.#pages++
    this.#received += page.received ?? page.items.length
    if (page.total !== undefined && Number.isFinite(page.total) && page.total >= 0) {
      this.#total = Math.max(this.#total ?? 0, page.total)
    }
    const stop = (why: string): never => {
      throw new Error(
        `Cannot list ${label}: the server keeps paging (${why}) after ${this.#pages} pages and ` +
          `${this.#received} items; stopped. The server is broken or changing; try again later`,
      )
    }
    if (page.next !== undefined) {
      if (this.#seen.has(page.next)) stop(`cursor '${page.next.slice(0, 40)}' came back`)
      if (this.#seen.size < MAX_REMEMBERED_CURSORS) this.#seen.add(page.next)
    }
    const total = this.#total
    if (total === undefined || page.next === undefined) return
    const size = this.#options.pageSize
    // Items added while listing raise the declared total on later pages; two pages of slack.
    if (size !== undefined && this.#pages > Math.ceil(total / size) + 2) {
      stop(`more pages than the ${total} declared items fill at ${size} per page`)
    }
    if (this.#received > total + (size ?? 0)) stop(`more items than the ${total} declared`)
  }
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
  const guard = new PageGuard(options)
  const rate = options.maxPagesPerSecond ?? 20
  if (!(rate > 0)) {
    throw new RangeError(`Cannot page with maxPagesPerSecond=${rate}: use a positive number`)
  }
  let nextStart = 0
  const link = linkedAbort(options.signal)
  const controller = link.controller
  let ahead: Promise<Page<T>> | undefined
  let cursor: string | undefined
  let done = false

  const start = (c: string | undefined): Promise<Page<T>> => {
    const now = Date.now()
    const wait = Math.max(0, nextStart - now)
    nextStart = Math.max(now, nextStart) + 1000 / rate
    const p = wait > 0
      ? sleep(wait, controller.signal).then(() => fetchPage(c, controller.signal))
      : fetchPage(c, controller.signal)
    p.catch(() => {}) // a prefetched page may fail after cancel; the error surfaces when awaited
    return p
  }
  return linkedPullStream<T[]>(link, async (stream) => {
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
      guard.check(page)
      cursor = page.next
      done = cursor === undefined
      if (!done && prefetch) ahead = start(cursor)
      if (page.items.length > 0) stream.enqueue(page.items)
      if (done) {
        link.unlink()
        stream.close()
        return
      }
      if (page.items.length > 0) return
    }
  }, { cancelReason: (reason) => reason ?? new DOMException('stream cancelled', 'AbortError') })
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
