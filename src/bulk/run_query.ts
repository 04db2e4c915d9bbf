/**
 * Which runs a bulk export covers: Mongo-style filters, an order, a `--since` bound, an explicit
 * id list and a shard. The parts a W&B server can evaluate become one `filters` document; every
 * part is also checked on the client, so a server that ignores a field cannot widen the export.
 *
 * @module
 */
import { inShard, type Shard } from './shard.ts'
import { passesSince, type Since } from './since.ts'

/** The run selection of a bulk export; recorded in the manifest. */
export interface RunQuery {
  /** Mongo-style W&B run filters (remote projects only). @default {} */
  filters?: Record<string, unknown>
  /** Listing order, `+field` or `-field`. @default '+created_at' */
  order?: string
  /** Only runs created (or updated) at or after a time. @default undefined */
  since?: Since
  /** Only these run ids. @default every run */
  runs?: string[]
  /** Only the runs of this slice. @default every run */
  shard?: Shard
}

/** What the client-side check reads of a run. */
export interface QueryFields {
  /** Run id. */
  id: string
  /** Creation time (W&B string or ISO). */
  createdAt?: string | null
  /** Last update (heartbeat) time. */
  updatedAt?: string | null
}

/**
 * The `filters` document to send: the user's filters, `createdAt >= since` and `name in runs`,
 * joined with `$and` when more than one applies.
 */
export function serverFilters(query: RunQuery): Record<string, unknown> {
  const parts: Record<string, unknown>[] = []
  const user = query.filters ?? {}
  if (Object.keys(user).length > 0) parts.push(user)
  if (query.since?.field === 'created') {
    parts.push({ createdAt: { $gte: query.since.time.replace(/Z$/, '') } })
  }
  if (query.runs) parts.push({ name: { $in: query.runs } })
  if (parts.length === 0) return {}
  return parts.length === 1 ? parts[0] : { $and: parts }
}

/** Whether a run passes the id list, the shard and the `--since` bound (fields not yet known pass). */
export function matchesQuery(query: RunQuery, run: QueryFields): boolean {
  if (query.runs && !query.runs.includes(run.id)) return false
  if (!inShard(run.id, query.shard)) return false
  if (query.since) {
    const known = query.since.field === 'created' ? run.createdAt : run.updatedAt
    if (known !== undefined && !passesSince(query.since, run.createdAt, run.updatedAt)) return false
  }
  return true
}

/** Parses a comma-separated run id list (`a,b , c`), dropping empties and duplicates. */
export function parseRunIds(text: string): string[] {
  const ids = [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))]
  if (ids.length === 0) {
    throw new RangeError(`Cannot use --runs '${text}': expected run ids separated by commas`)
  }
  return ids
}
