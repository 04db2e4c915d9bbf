/**
 * The bulk source of a local `wandb/` folder: every run id found there (a resumed run's folders
 * read together), opened only when its turn comes, since opening reads the run's log once.
 *
 * @module
 */
import type { LocalRun } from '../local/local_run.ts'
import { LocalRuns } from '../local/local_runs.ts'
import { readerBulkRun } from './reader_bulk_run.ts'
import type { BulkRun, BulkRunHandle, BulkSource } from './bulk_source.ts'
import type { ManifestSource } from './manifest.ts'
import { matchesQuery, type RunQuery } from './run_query.ts'

/** A local `wandb/` folder as a bulk source. */
export class LocalBulkSource implements BulkSource {
  readonly description: ManifestSource
  readonly remote = false
  #runs: LocalRuns

  /** Use {@linkcode LocalBulkSource.open}. */
  private constructor(runs: LocalRuns) {
    this.#runs = runs
    this.description = { kind: 'local', path: runs.wandbDir }
  }

  /** Opens a `wandb/` folder (or the folder holding one). */
  static async open(dir: string): Promise<LocalBulkSource> {
    return new LocalBulkSource(await LocalRuns.open(dir))
  }

  /** Lists the run ids in start order; `--filters` cannot apply to local runs. */
  async list(query: RunQuery, signal: AbortSignal): Promise<BulkRunHandle[]> {
    if (query.filters && Object.keys(query.filters).length > 0) {
      throw new TypeError(
        'Cannot apply --filters to a local wandb/ folder: filters are evaluated by a W&B server; use --runs or --since',
      )
    }
    const entries = await this.#runs.list({ signal })
    const handles: BulkRunHandle[] = []
    const seen = new Set<string>()
    for (const entry of entries) {
      if (seen.has(entry.id)) continue // later folders of a resumed run
      seen.add(entry.id)
      const handle: BulkRunHandle = {
        id: entry.id,
        createdAt: entry.createdAt,
        updatedAt: undefined,
        // The metadata pass inside open (async), as the wrapper reads attributes at once.
        open: async (signal) =>
          localRun(await this.#runs.get(entry.id, { signal, metadata: 'full' })),
      }
      if (matchesQuery(query, handle)) handles.push(handle)
    }
    return handles
  }
}

/** Wraps an opened local run: files, artifacts and console log are read through its RunReader. */
function localRun(run: LocalRun): BulkRun {
  return readerBulkRun(run, { name: run.displayName, systemSampled: false })
}
