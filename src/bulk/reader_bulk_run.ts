/**
 * A bulk run over any {@link RunReader}: the attributes and streams every source shares, read
 * through the one interface; each source adds what only it knows (its files and
 * console log, whether its system metrics are sampled).
 *
 * @module
 */
import type { RunReader } from '../source/run_reader.ts'
import type { BulkRun } from './bulk_source.ts'
import { artifactTableRows } from './artifact_rows.ts'

/** What a source adds to the shared part of a bulk run. */
export type BulkRunExtras = Pick<BulkRun, 'name' | 'systemSampled' | 'consoleLog' | 'files'>

/** A BulkRun reading `reader`, with the source's own `extras`. */
export function readerBulkRun(reader: RunReader, extras: BulkRunExtras): BulkRun {
  const keys = reader.historyKeys as Partial<RunReader['historyKeys']> | null | undefined
  const last = keys?.lastStep
  return {
    id: reader.id,
    state: reader.state,
    tags: reader.tags,
    group: reader.group ?? null,
    jobType: reader.jobType ?? null,
    createdAt: reader.createdAt ?? null,
    updatedAt: reader.heartbeatAt ?? null,
    historyLineCount: reader.historyLineCount ?? 0,
    lastHistoryStep: typeof last === 'number' && Number.isFinite(last) ? Math.trunc(last) : -1,
    historyKeys: keys?.keys ?? {},
    config: reader.config,
    summary: reader.summary,
    history: (o) =>
      reader.scanHistory({
        minStep: o.minStep,
        maxStep: o.maxStep,
        keys: o.keys,
        signal: o.signal,
      }),
    systemMetrics: (signal) => Promise.resolve(reader.scanSystemMetrics({ signal })),
    artifacts: (signal) => artifactTableRows(reader, signal),
    ...extras,
  }
}
