/**
 * Listing runs, whatever holds them: a local `wandb/` folder or a W&B project. Each listed run
 * is a cheap entry with the listing's attributes (what `wbx runs` prints, through `runRow`) that
 * opens as a {@link RunReader} when its turn comes.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { Api } from '../api/api.ts'
import type { Run } from '../api/run.ts'
import type { RunsOptions } from '../api/runs.ts'
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
  /**
   * What the listing knows of the run, in camelCase attribute names (`name`, `tags`, `jobType`,
   * a folder's `folder` and `sizeBytes`, a project's `url`, …): the fields of a `runRow`.
   */
  readonly attributes: Readonly<Record<string, unknown>>
  /** Opens the run (a metadata pass over a local log; free for a fully listed server run). */
  open(options?: { signal?: AbortSignal }): Promise<RunReader>
}

/** Options of {@link RunCatalog.list}. */
export interface RunCatalogListOptions {
  /** Cancels the listing. */
  signal?: AbortSignal
  /** Projects: Mongo-style run filters (a folder rejects them). @default {} */
  filters?: Record<string, unknown>
  /** Projects: `+field` or `-field`. @default '+created_at' */
  order?: string
  /** Projects: runs per request. @default 50 */
  perPage?: number
  /**
   * Projects: list with config, summary and history keys (one bigger request per page); without
   * it, opening an entry loads them. @default true
   */
  full?: boolean
  /** Folders: one entry per run folder (a resumed run's folders each), not per run. @default false */
  eachFolder?: boolean
}

/** Runs to list: a local `wandb/` folder or a W&B project. */
export interface RunCatalog {
  /** What is listed: the folder's path or `entity/project`. */
  readonly source: string
  /** `folder` for a local `wandb/` folder, `project` for a W&B project. */
  readonly kind: 'folder' | 'project'
  /** Folders: run-like folders that could not be listed, with the reason (filled by `list`). */
  readonly skipped: readonly { folder: string; reason: string }[]
  /** The runs, each id once, oldest first for a folder and in the server's order for a project. */
  list(options?: RunCatalogListOptions): Promise<RunCatalogEntry[]>
}

/** Options of {@link openRunCatalog}. */
export interface OpenRunCatalogOptions {
  /** Projects: the API client to list with. @default `new Api()` (the environment's settings) */
  api?: () => { runs(path: string, options: RunsOptions): ReadableStream<Run[]> }
}

/** Opens an existing `wandb/` folder (or the folder holding one), else `entity/project`, as a RunCatalog. */
export async function openRunCatalog(
  source: string,
  options: OpenRunCatalogOptions = {},
): Promise<RunCatalog> {
  if (existsSync(source)) return folderCatalog(source, await LocalRuns.open(source))
  const api = options.api ? options.api() : new Api()
  return {
    source,
    kind: 'project',
    skipped: [],
    list: async (o = {}) => {
      const seen = new Set<string>()
      const out: RunCatalogEntry[] = []
      const full = o.full ?? true
      const stream = api.runs(source, {
        signal: o.signal,
        filters: o.filters,
        order: o.order,
        perPage: o.perPage,
        lazy: !full,
      })
      for await (const page of stream) {
        for (const run of page) {
          if (seen.has(run.id)) continue // pages of a changing project can repeat a run
          seen.add(run.id)
          out.push({
            id: run.id,
            createdAt: run.createdAt ?? null,
            state: run.state,
            attributes: projectAttributes(run, full),
            open: async (p = {}) => {
              if (!full) await run.loadFull(false, p.signal)
              return run
            },
          })
        }
      }
      return out
    },
  }
}

/** The catalog of a local `wandb/` folder. */
function folderCatalog(source: string, runs: LocalRuns): RunCatalog {
  return {
    source,
    kind: 'folder',
    skipped: runs.skipped,
    list: async (o = {}) => {
      if (o.filters && Object.keys(o.filters).length > 0) {
        throw new TypeError(
          'Cannot apply filters to a local wandb/ folder: filters are evaluated by a W&B server',
        )
      }
      const seen = new Set<string>()
      const out: RunCatalogEntry[] = []
      for (const entry of await runs.list({ signal: o.signal })) {
        // A resumed run's later folders open with the first.
        if (!o.eachFolder && seen.has(entry.id)) continue
        seen.add(entry.id)
        out.push({
          id: entry.id,
          createdAt: entry.createdAt,
          state: entry.state,
          attributes: { ...entry },
          open: (p = {}) => runs.get(entry.id, { signal: p.signal, metadata: 'full' }),
        })
      }
      return out
    },
  }
}

/** What a project listing knows of a run (history keys only with the full fragment). */
function projectAttributes(run: Run, full: boolean): Record<string, unknown> {
  const last = full ? (run.historyKeys as { lastStep?: unknown } | undefined)?.lastStep : null
  return {
    name: run.name,
    state: run.state,
    tags: run.tags,
    group: run.group,
    jobType: run.jobType,
    createdAt: run.createdAt,
    updatedAt: run.heartbeatAt,
    historyLineCount: run.historyLineCount,
    lastHistoryStep: typeof last === 'number' && Number.isFinite(last) ? Math.trunc(last) : null,
    entity: run.entity,
    project: run.project,
    notes: run.notes,
    url: run.url,
  }
}
