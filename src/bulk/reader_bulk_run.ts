/**
 * A bulk run over any {@link RunReader}: the attributes, streams, files, artifacts and console
 * log every source shares, read through the one interface; each source adds what only it knows
 * (its display name, whether its system metrics are sampled).
 *
 * @module
 */
import type { RunReader } from '../source/run_reader.ts'
import { WandbApiError } from '../api/wandb_api_error.ts'
import { type BulkFile, type BulkRun, likePattern } from './bulk_source.ts'
import { artifactTableRows } from './artifact_rows.ts'

/** What a source adds to the shared part of a bulk run (it may also replace a shared reader). */
export type BulkRunExtras =
  & Pick<BulkRun, 'name' | 'systemSampled'>
  & Partial<Pick<BulkRun, 'consoleLog' | 'files' | 'artifacts'>>

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
    consoleLog: (signal) => readerConsoleLog(reader, signal),
    files: (pattern, signal) => readerFiles(reader, pattern, signal),
    ...extras,
  }
}

/** The run's console output, or null when the source says the run has none (not found). */
async function readerConsoleLog(
  reader: RunReader,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array> | null> {
  try {
    return await reader.consoleText({ signal })
  } catch (err) {
    if (err instanceof WandbApiError && err.code === 'not-found') return null
    throw err
  }
}

/** The run's files present in the source (matching `pattern`), each opened through the reader. */
async function readerFiles(
  reader: RunReader,
  pattern: string | undefined,
  signal: AbortSignal,
): Promise<BulkFile[]> {
  const match = pattern === undefined ? undefined : likePattern(pattern)
  const out: BulkFile[] = []
  for (const f of await reader.listFiles({ pattern, signal })) {
    if (f.present === false || f.path === null) continue // listed by the run, absent on disk
    if (match && !match.test(f.name)) continue
    const name = f.name
    out.push({
      name,
      sizeBytes: f.sizeBytes ?? 0,
      md5: f.md5 ?? null,
      open: (s) => reader.openFile(name, { signal: s }),
    })
  }
  return out
}
