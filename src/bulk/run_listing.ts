/**
 * How an export gets its runs and the dataset schema: from a remote project page by page while
 * the export runs (`run_feed.ts`), or, from a local folder (whose runs are opened for their keys,
 * a metadata pass over each log), all listed first with the schema fixed before the first part
 * (`dataset_target.ts`).
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { BulkProgress } from './bulk_progress.ts'
import type { BulkRun, BulkRunHandle, BulkSource } from './bulk_source.ts'
import { datasetTarget } from './dataset_target.ts'
import type { HistorySchema } from './history_schema.ts'
import { RunFeed, type RunFeedOptions } from './run_feed.ts'
import type { RunQuery } from './run_query.ts'

/** The runs of an export, listed or arriving, and the schema their history parts take. */
export interface ListedRuns {
  /** The selected runs listed so far (it grows while a feed lists). */
  readonly handles: readonly BulkRunHandle[]
  /** The feed the runs arrive through, when they are not all listed first. */
  readonly feed?: RunFeed
  /** How many runs, when all are listed first. */
  readonly total?: number
  /** Settles when the listing has ended (never rejects: a feed's failure reaches its taker). */
  readonly ended: Promise<void>
  /** The schema a run starting now writes its history with. */
  schema(): HistorySchema | undefined
  /** The dataset schema after the listing. */
  finalSchema(): HistorySchema | undefined
}

/** Starts reading `pages` into a {@linkcode RunFeed}; runs go to the export as pages arrive. */
export function startFeed(
  pages: AsyncIterable<BulkRunHandle[]>,
  options: RunFeedOptions,
  signal: AbortSignal,
): ListedRuns {
  const feed = new RunFeed(options)
  return {
    handles: feed.handles,
    feed,
    ended: feed.listen(pages, signal),
    schema: () => feed.schema(),
    finalSchema: () => feed.finalSchema(),
  }
}

/** Options of {@linkcode listFirst}. */
export interface ListFirstOptions {
  /** Whether to fix the dataset schema (history parts, or a shard's runs-table columns). */
  target: boolean
  /** Plans each listed run (a remote run opens without a request). @default none */
  plan?: (run: BulkRun) => void
  /** The previous export's schema. */
  previous: HistorySchema | undefined
  /** Only these history keys. */
  keys: string[] | undefined
  /** Runs opened at once for their keys (a local folder). */
  concurrency: number
  /** Cancels the listing. */
  signal: AbortSignal
  /** Receives other shards' config and summary (for the runs table's columns). */
  others?: Row[]
}

/** Lists every run first, plans them and fixes the schema; runs opened on the way go to `opened`. */
export async function listFirst(
  source: BulkSource,
  query: RunQuery,
  opened: Map<string, BulkRun>,
  options: ListFirstOptions,
): Promise<ListedRuns> {
  const handles = await source.list(query, options.signal)
  if (options.plan) { for (const h of handles) options.plan(await h.open(options.signal)) }
  const target = options.target
    ? await datasetTarget(source, query, handles, opened, options)
    : undefined
  return {
    handles,
    total: handles.length,
    ended: Promise.resolve(),
    schema: () => target,
    finalSchema: () => target,
  }
}

/**
 * The runs total a progress line shows while the listing still arrives: the runs listed so far,
 * or the server's count of runs the filters match (`runCount`) when that is larger and no
 * client-side check (`--shard`, `--since updated:`) can leave runs out; the runs listed once the
 * listing has ended.
 */
export class ListingCount {
  #progress: BulkProgress
  #trust: boolean
  #listed = 0
  #declared = 0

  /** Counts for `progress`; `trust` says whether the server's count is this export's. */
  constructor(progress: BulkProgress, trust: boolean) {
    this.#progress = progress
    this.#trust = trust
  }

  /** The server declared `total` runs. */
  declared = (total: number): void => {
    if (this.#trust) this.#declared = total
    this.#show()
  }

  /** One more run of this export was listed. */
  listed(): void {
    this.#listed++
    this.#show()
  }

  /** The listing has ended: the total is what it listed. */
  end(): void {
    this.#progress.runsTotal = this.#listed
  }

  /** Sets the progress total. */
  #show(): void {
    this.#progress.runsTotal = Math.max(this.#listed, this.#declared)
  }
}
