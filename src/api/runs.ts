/**
 * Listing a project's runs as a stream of `Run` batches (the SDK's `Api.runs` / `Runs`).
 *
 * @module
 */
import { Run, type RunClient } from './run.ts'
import { pagedStream } from '../streams/paged_stream.ts'
import { RUNS_FULL_QUERY, RUNS_LAZY_QUERY } from './queries.ts'
import { runsPageSchema } from './schemas.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** Options of `api.runs(path, ...)`. */
export interface RunsOptions {
  /** MongoDB-style filters, e.g. `{state: 'finished', 'config.lr': {$gt: 0.01}}`. @default {} */
  filters?: Record<string, unknown>
  /** Sort order: a field with `+` (ascending) or `-` (descending), e.g. `-created_at`. @default '+created_at' */
  order?: string
  /** Runs per request. @default 50 */
  perPage?: number
  /** List with the lightweight fragment (no config, summary, system metrics, history keys). @default true */
  lazy?: boolean
  /** Fetch page N+1 while the consumer handles page N. @default true */
  prefetch?: boolean
  /** Told the number of runs the filters match (`runCount`) as each page declares it. @default nobody */
  onTotal?: (total: number) => void
  /** Cancels the listing. */
  signal?: AbortSignal
}

/** Rejects bad `perPage` (RangeError) and non-object `filters` (TypeError) at the call. */
export function checkRunsOptions(options: RunsOptions): void {
  const perPage = options.perPage ?? 50
  if (!Number.isInteger(perPage) || perPage < 1) {
    throw new RangeError(`Cannot list runs with perPage=${perPage}: expected a positive integer`)
  }
  const filters = options.filters ?? {}
  if (filters === null || typeof filters !== 'object' || Array.isArray(filters)) {
    throw new TypeError('Cannot list runs: filters must be an object such as {"state": "finished"}')
  }
}

/**
 * A run as a listing page carries it: the fields zod checks (`runNodeSchema`), the rest as the
 * server sent them (`config` and `summaryMetrics` as JSON text, `historyKeys`, ...).
 */
export interface RunNode {
  /** The run id. */
  name: string
  /** The opaque GraphQL node id. */
  id?: string | null
  /** Run state. */
  state?: string | null
  /** Every other field of the fragment. */
  [field: string]: unknown
}

/**
 * Streams the runs of `entity/project` page by page (cursor = last edge's cursor, as the SDK's
 * `Runs` pages), with at most one page in flight ahead of the consumer. A missing project fails
 * with a not-found WandbApiError.
 */
export function listRuns(
  client: RunClient,
  entity: string,
  project: string,
  options: RunsOptions = {},
): ReadableStream<Run[]> {
  const lazy = options.lazy ?? true
  return listRunPages(
    client,
    entity,
    project,
    options,
    (node) => new Run(client, entity, project, node.name, node, { lazy }),
  )
}

/** Streams the listing pages of `entity/project` as {@linkcode listRuns} does, each node made into a `T`. */
export function listRunPages<T>(
  client: RunClient,
  entity: string,
  project: string,
  options: RunsOptions,
  make: (node: RunNode) => T,
): ReadableStream<T[]> {
  checkRunsOptions(options)
  const perPage = options.perPage ?? 50
  const filters = options.filters ?? {}
  const lazy = options.lazy ?? true
  const order = options.order || '+created_at'
  const filtersJson = JSON.stringify(filters)
  const operation = lazy ? RUNS_LAZY_QUERY : RUNS_FULL_QUERY
  return pagedStream(async (cursor, signal) => {
    const data = await client.transport.request(operation, {
      project,
      entity,
      cursor: cursor ?? null,
      perPage,
      order,
      filters: filtersJson,
    }, { signal, runPath: `${entity}/${project}`, schema: runsPageSchema })
    if (!data.project) {
      throw new WandbApiError(
        `Could not find project ${entity}/${project} on ${client.transport.baseUrl}; check the entity and project names`,
        { code: 'not-found', status: 404, operation: operation.name },
      )
    }
    const edges = data.project.runs?.edges ?? []
    const items = edges.map((e) => make(e.node))
    const last = edges.length > 0 ? edges[edges.length - 1].cursor ?? undefined : undefined
    const next = data.project.runs?.pageInfo?.hasNextPage && last ? last : undefined
    const total = data.project.runCount ?? undefined
    if (total !== undefined) options.onTotal?.(total)
    return { items, next, total }
  }, {
    signal: options.signal,
    prefetch: options.prefetch,
    pageSize: perPage,
    label: `runs of ${entity}/${project}`,
  })
}
