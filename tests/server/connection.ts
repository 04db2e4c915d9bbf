/**
 * Relay-style connections (`edges { node cursor } pageInfo { endCursor hasNextPage }`) with
 * keyset cursors: a cursor records the sort key of its edge, so pages stay correct when items
 * are added between requests.
 *
 * @module
 */
import { BadRequestError, decodeCursor, encodeCursor } from './ids.ts'

/** W&B's page size when `first` is left out. */
export const DEFAULT_PAGE_SIZE = 50

/** Paging arguments. */
export interface PageArgs {
  first?: number | null
  after?: string | null
}

/** A page of a connection. */
export interface Connection<T> {
  edges: { node: T; cursor: string }[]
  pageInfo: {
    startCursor: string | null
    endCursor: string | null
    hasNextPage: boolean
    hasPreviousPage: boolean
  }
  totalCount: number
}

/**
 * Pages over `items`, already sorted by `compare(keyOf(a), keyOf(b))`; `after` keeps the items
 * whose key sorts strictly after the cursor's.
 */
export function paginate<T, K>(
  items: readonly T[],
  args: PageArgs,
  keyOf: (item: T) => K,
  compare: (a: K, b: K) => number,
): Connection<T> {
  const first = args.first ?? DEFAULT_PAGE_SIZE
  if (!Number.isInteger(first) || first < 0) {
    throw new BadRequestError(
      `invalid first ${JSON.stringify(args.first)}: expected a non-negative integer`,
    )
  }
  let start = 0
  if (args.after) {
    const position = decodeCursor(args.after) as K
    start = items.length
    for (let i = 0; i < items.length; i++) {
      if (compare(keyOf(items[i]), position) > 0) {
        start = i
        break
      }
    }
  }
  const slice = items.slice(start, start + first)
  const edges = slice.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }))
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
    },
    totalCount: items.length,
  }
}

/** Compares plain keys (numbers or strings). */
export function compareKeys(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
