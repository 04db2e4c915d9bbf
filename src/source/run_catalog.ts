/**
 * Listing runs, whatever holds them: a local `wandb/` folder or a W&B project. Each listed run
 * is a cheap entry that opens as a {@link RunReader} when its turn comes.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { Api } from '../api/api.ts'
import type { Run } from '../api/run.ts'
import { LocalRuns } from '../local/local_runs.ts'
import type { RunReader } from './run_reader.ts'

/** One listed run, not yet opened. */
export interface RunCatalogEntry {
  /** The run id. */
  readonly id: string
  /** When the run started, ISO string, or null when the listing does not know. */
  readonly createdAt: string | null
  /** The run state as listed. */
  readonly state: string
  /** Opens the run (a metadata pass over a local log; free for a listed server run). */
  open(options?: { signal?: AbortSignal }): Promise<RunReader>
}

/** Runs to list: a local `wandb/` folder or a W&B project. */
export interface RunCatalog {
  /** What is listed: the folder's path or `entity/project`. */
  readonly source: string
  /** The runs, each id once, oldest first for a folder and in the server's order for a project. */
  list(options?: { signal?: AbortSignal }): Promise<RunCatalogEntry[]>
}

/** Options of {@link openRunCatalog}. */
export interface OpenRunCatalogOptions {
  /** Projects: the API client to list with. @default `new Api()` (the environment's settings) */
  api?: () => {
    runs(path: string, options: { signal?: AbortSignal; lazy?: boolean }): ReadableStream<Run[]>
  }
}

/** Opens an existing `wandb/` folder (or the folder holding one), else `entity/project`, as a RunCatalog. */
export async function openRunCatalog(
  source: string,
  options: OpenRunCatalogOptions = {},
): Promise<RunCatalog> {
  if (existsSync(source)) {
    const runs = await LocalRuns.open(source)
    return {
      source,
      list: async ({ signal } = {}) => {
        const seen = new Set<string>()
        const out: RunCatalogEntry[] = []
        for (const entry of await runs.list({ signal })) {
          if (seen.has(entry.id)) continue // a resumed run's later folders open with the first
          seen.add(entry.id)
          out.push({
            id: entry.id,
            createdAt: entry.createdAt,
            state: entry.state,
            open: (o = {}) => runs.get(entry.id, { signal: o.signal }),
          })
        }
        return out
      },
    }
  }
  const api = options.api ? options.api() : new Api()
  return {
    source,
    list: async ({ signal } = {}) => {
      const seen = new Set<string>()
      const out: RunCatalogEntry[] = []
      // With the full fragment: config, summary and historyKeys come with the listing.
      for await (const page of api.runs(source, { signal, lazy: false })) {
        for (const run of page) {
          if (seen.has(run.id)) continue // pages of a changing project can repeat a run
          seen.add(run.id)
          out.push({
            id: run.id,
            createdAt: run.createdAt ?? null,
            state: run.state,
            open: () => Promise.resolve(run),
          })
        }
      }
      return out
    },
  }
}
