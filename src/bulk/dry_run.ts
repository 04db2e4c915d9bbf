/**
 * The dry run of a bulk export: the plan (actions and estimates per run) from the listing and
 * the folder's manifest, without writing anything.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import type { BulkSource } from './bulk_source.ts'
import { ExportState } from './export_state.ts'
import type { Include } from './manifest.ts'
import { type ExportPlan, planRun, type RunPlan, summarizePlan } from './plan.ts'
import { matchesQuery, type RunQuery } from './run_query.ts'
import { runPool } from './work_pool.ts'

/** What a dry run needs besides the source and the query. */
export interface DryRunOptions {
  /** Only these history keys. */
  keys?: string[]
  /** SQL LIKE pattern for run files. */
  filePattern?: string
  /** Runs opened at once (local runs read their log to open). */
  concurrency: number
  /** Attempts per run. */
  attempts?: number
  /** Cancels the plan. */
  signal: AbortSignal
  /** Requests made so far (read after the listing). */
  listingRequests: () => number
}

/**
 * Lists the runs and plans each against the folder's manifest (if any), writing nothing; with
 * files included, each run's file listing is read to size the downloads.
 */
export async function planExport(
  source: BulkSource,
  out: string,
  query: RunQuery,
  include: Include,
  options: DryRunOptions,
): Promise<ExportPlan> {
  const signal = options.signal
  const manifest = existsSync(out) ? await ExportState.peek(out, query.shard) : undefined
  const handles = await source.list(query, signal)
  const listingRequests = options.listingRequests()
  const runs: (RunPlan | undefined)[] = new Array(handles.length)
  await runPool(handles.map((h, i) => ({ h, i })), async ({ h, i }, runSignal) => {
    const run = await h.open(runSignal)
    if (!matchesQuery(query, run)) return
    const entry = manifest?.runs[run.id]
    let fileSizes: number[] | undefined
    if (include.files) {
      const before = new Map((entry?.files ?? []).map((f) => [f.name, f]))
      fileSizes = (await run.files(options.filePattern, runSignal))
        .filter((f) => {
          const old = before.get(f.name)
          return !(old && old.md5 === f.md5 && old.bytes === f.sizeBytes)
        })
        .map((f) => f.sizeBytes)
    }
    runs[i] = planRun(run, entry, include, { keys: options.keys, remote: source.remote, fileSizes })
  }, { concurrency: options.concurrency, attempts: options.attempts, signal })
  return summarizePlan(runs.filter((r): r is RunPlan => r !== undefined), listingRequests)
}
