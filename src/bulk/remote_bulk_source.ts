/**
 * The bulk source of a W&B project: runs listed with the full fragment (config, summary and
 * `historyKeys` come with the listing, so planning costs no request per run), read through the
 * API client (whose `fetch` the governor wraps).
 *
 * @module
 */
import { fetchParquetExports, type ParquetExports } from '../api/history/parquet_exports.ts'
import { scanHistorySlices, type ScanInternalOptions } from '../api/history/scan_history.ts'
import type { Api } from '../api/api.ts'
import { Run } from '../api/run.ts'
import type { RunNode } from '../api/runs.ts'
import type { BulkHistoryOptions, BulkRun, BulkRunHandle, BulkSource } from './bulk_source.ts'
import { withHistorySlices } from './history_slices.ts'
import type { ManifestSource } from './manifest.ts'
import { matchesQuery, type RunQuery, serverFilters } from './run_query.ts'
import { readerBulkRun } from './reader_bulk_run.ts'

/** Options of {@linkcode RemoteBulkSource}. */
export interface RemoteBulkSourceOptions {
  /** Runs per listing request. @default 50 */
  perPage?: number
}

/** A W&B project as a bulk source. */
export class RemoteBulkSource implements BulkSource {
  readonly description: ManifestSource
  readonly remote = true
  #api: Api
  #path: string
  #perPage: number | undefined

  /** Reads `entity/project` (or a project URL) through `api`. */
  constructor(api: Api, path: string, options: RemoteBulkSourceOptions = {}) {
    this.#api = api
    this.#path = path
    this.#perPage = options.perPage
    this.description = { kind: 'remote', path, baseUrl: api.baseUrl }
  }

  /**
   * Lists the project's runs (server-side filters, then the client-side check), each id once.
   * Each listed run is kept as the JSON text of its listing node, about a third of the objects
   * a `Run` holds for it, so a listing of thousands of runs stays small; opening parses it again.
   */
  async list(query: RunQuery, signal: AbortSignal): Promise<BulkRunHandle[]> {
    const handles: BulkRunHandle[] = []
    for await (const page of this.pages(query, signal)) handles.push(...page)
    return handles
  }

  /**
   * The runs of {@linkcode list}, a listing page at a time as each arrives; `onTotal` gets the
   * server's count of runs its filters match (before the client-side checks).
   */
  async *pages(
    query: RunQuery,
    signal: AbortSignal,
    onTotal?: (total: number) => void,
  ): AsyncGenerator<BulkRunHandle[]> {
    const stream = this.#api.runNodes(this.#path, {
      filters: serverFilters(query),
      order: query.order,
      perPage: this.#perPage,
      lazy: false,
      signal,
      onTotal,
    })
    const seen = new Set<string>()
    for await (const page of stream) {
      const handles: BulkRunHandle[] = []
      for (const { entity, project, node } of page) {
        if (seen.has(node.name)) continue // pages of a changing project can repeat a run
        seen.add(node.name)
        const handle = remoteHandle(this.#api, entity, project, node)
        if (matchesQuery(query, handle)) handles.push(handle)
      }
      yield handles
    }
  }
}

/** A listed remote run: its listing node as text, made into a `Run` (no request) on each open. */
function remoteHandle(api: Api, entity: string, project: string, node: RunNode): BulkRunHandle {
  const id = node.name
  const text = JSON.stringify(node) // the closure below holds the text, never the node
  const prefetched: Prefetched = {}
  return {
    id,
    createdAt: typeof node.createdAt === 'string' ? node.createdAt : null,
    updatedAt: typeof node.heartbeatAt === 'string' ? node.heartbeatAt : null,
    open: () => {
      const run = new Run(api, entity, project, id, JSON.parse(text), { lazy: false })
      return Promise.resolve(remoteRun(run, prefetched))
    },
  }
}

/** The history request sent ahead for a listed run, shared by every open of it. */
interface Prefetched {
  ahead?: Promise<ParquetExports>
}

/**
 * Wraps a run loaded with the full fragment: files, artifacts and console log are read through
 * its RunReader (`Run.openFile`: the bounded download with one signed-URL refresh). Its history
 * scan takes the last step from the listing's `historyKeys`, so it sends no `RunHistoryKeys`
 * request of its own: one `RunParquetHistory` per run remains (the SDK's `Runs` page does not
 * select `parquetHistory`, runs.py RUN_FRAGMENT).
 */
function remoteRun(run: Run, prefetched: Prefetched): BulkRun {
  const bulk = readerBulkRun(run, { name: run.name ?? null, systemSampled: true })
  const scanOptions = (o: BulkHistoryOptions): ScanInternalOptions => {
    // A prefetched answer serves the first scan only (a second one asks again).
    const parquetExports = prefetched.ahead
    prefetched.ahead = undefined
    return {
      minStep: o.minStep,
      maxStep: o.maxStep,
      keys: o.keys,
      signal: o.signal,
      lastHistoryStep: bulk.lastHistoryStep,
      parquetExports,
    }
  }
  const remote: BulkRun = {
    ...bulk,
    history: (o) => run.scanHistory(scanOptions(o)),
    prefetchHistory: (signal) => {
      prefetched.ahead ??= fetchParquetExports(run.transport, run, signal)
      prefetched.ahead.catch(() => {}) // the scan that takes it sees the error
    },
  }
  return withHistorySlices(remote, (o, decodeThreads) =>
    scanHistorySlices(run.transport, run, {
      exportFetch: run.client.exportFetch,
      decodeThreads,
      ...scanOptions(o),
    }))
}
