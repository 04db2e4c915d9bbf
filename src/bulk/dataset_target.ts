/**
 * Fixing the dataset's history schema before the first part of an export is written (see
 * `dataset_schema.ts`): the previous schema grown by every selected run's `historyKeys`.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { BulkRun, BulkRunHandle, BulkSource } from './bulk_source.ts'
import { addHistoryKeys, addMissingKeys, kindsOf, schemaOf } from './dataset_schema.ts'
import type { HistorySchema } from './history_schema.ts'
import { matchesQuery, type RunQuery } from './run_query.ts'

/**
 * The dataset's history schema: the previous export's, grown by the `historyKeys` of every run
 * the query selects. With `--shard`, every shard's runs count (remote listings are free; a local
 * folder's other runs are opened for their keys), so all shards write the same columns. Runs of
 * this shard opened on the way are kept in `opened` for the export; other shards' config and
 * summary go to `others` (for the runs table's columns).
 */
export async function datasetTarget(
  source: BulkSource,
  query: RunQuery,
  handles: BulkRunHandle[],
  opened: Map<string, BulkRun>,
  options: {
    previous: HistorySchema | undefined
    keys: string[] | undefined
    concurrency: number
    signal: AbortSignal
    others?: Row[]
  },
): Promise<HistorySchema> {
  const kinds = kindsOf(options.previous)
  const mine = new Set(handles.map((h) => h.id))
  const whole = query.shard
    ? await source.list({ ...query, shard: undefined }, options.signal)
    : handles
  const queue = [...whole]
  const worker = async () => {
    for (let h = queue.shift(); h; h = queue.shift()) {
      let run: BulkRun
      try {
        run = await h.open(options.signal)
      } catch {
        continue // the export itself retries (and reports) a run that cannot be opened
      }
      if (!matchesQuery({ ...query, shard: undefined }, run)) continue
      addHistoryKeys(kinds, run.historyKeys, options.keys)
      if (mine.has(run.id)) opened.set(run.id, run)
      else options.others?.push({ config: run.config, summary: run.summary })
    }
  }
  const workers = source.remote ? 1 : Math.max(1, options.concurrency)
  await Promise.all(Array.from({ length: workers }, worker))
  options.signal.throwIfAborted()
  addMissingKeys(kinds, options.keys)
  return schemaOf(kinds)
}
