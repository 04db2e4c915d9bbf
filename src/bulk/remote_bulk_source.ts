/**
 * The bulk source of a W&B project: runs listed with the full fragment (config, summary and
 * `historyKeys` come with the listing, so planning costs no request per run), read through the
 * API client (whose `fetch` the governor wraps).
 *
 * @module
 */
import type { Api } from '../api/api.ts'
import type { RunFile } from '../api/file.ts'
import { WandbApiError } from '../api/wandb_api_error.ts'
import type { Run } from '../api/run.ts'
import type { BulkFile, BulkRun, BulkRunHandle, BulkSource } from './bulk_source.ts'
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

  /** Lists the project's runs (server-side filters, then the client-side check), each id once. */
  async list(query: RunQuery, signal: AbortSignal): Promise<BulkRunHandle[]> {
    const stream = this.#api.runs(this.#path, {
      filters: serverFilters(query),
      order: query.order,
      perPage: this.#perPage,
      lazy: false,
      signal,
    })
    const seen = new Set<string>()
    const handles: BulkRunHandle[] = []
    for await (const page of stream) {
      for (const run of page) {
        if (seen.has(run.id)) continue // pages of a changing project can repeat a run
        seen.add(run.id)
        const handle = remoteHandle(run)
        if (matchesQuery(query, handle)) handles.push(handle)
      }
    }
    return handles
  }
}

/** Whether a download failed because storage refused its signed URL (expired or revoked). */
function refusedUrl(err: unknown): boolean {
  return err instanceof WandbApiError && err.operation === 'download' &&
    (err.status === 403 || err.status === 400 || err.status === 401)
}

/**
 * Opens a run file; when storage refuses the signed URL (403: expired), asks the API for the
 * file again (a fresh URL) and tries once more. A second refusal is the run's failure.
 */
async function refreshOnce(
  run: Run,
  file: RunFile,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  try {
    return await file.stream({ signal })
  } catch (err) {
    if (!refusedUrl(err) || signal.aborted) throw err
    const fresh = await run.file(file.name, signal)
    return await fresh.stream({ signal })
  }
}

/** A listed remote run: already loaded, so opening is free. */
function remoteHandle(run: Run): BulkRunHandle {
  const bulk = remoteRun(run)
  return {
    id: run.id,
    createdAt: run.createdAt ?? null,
    updatedAt: run.heartbeatAt ?? null,
    open: () => Promise.resolve(bulk),
  }
}

/** Wraps a run loaded with the full fragment. */
function remoteRun(run: Run): BulkRun {
  return readerBulkRun(run, {
    name: run.name ?? null,
    systemSampled: true,
    consoleLog: async (signal) => {
      try {
        const file = await run.file('output.log', signal)
        return await refreshOnce(run, file, signal)
      } catch (err) {
        if (err instanceof WandbApiError && err.code === 'not-found') return null
        throw err
      }
    },
    files: async (pattern, signal) => {
      const out: BulkFile[] = []
      for await (const page of run.files({ pattern, signal })) {
        for (const f of page) {
          out.push({
            name: f.name,
            sizeBytes: f.sizeBytes,
            md5: f.md5 ?? null,
            open: (s) => refreshOnce(run, f, s),
          })
        }
      }
      return out
    },
  })
}
