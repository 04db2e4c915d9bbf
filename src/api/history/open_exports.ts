/**
 * Opens a run's Parquet exports for a scan and decides where the GraphQL live tail starts.
 *
 * @module
 */
import type { HistoryRunRef, HistoryTransport } from './history_target.ts'
import { ParquetExportFile } from './parquet_export_file.ts'
import { fetchParquetExports, type ParquetExports } from './parquet_exports.ts'
import type { DecodeThreads } from './group_decode_job.ts'
import type { SignedFetchOptions } from './signed_fetch.ts'
import { ExportFileSource } from './step_sources.ts'

/** Options for {@linkcode openExportSources}. */
export interface OpenExportSourcesOptions {
  /** First step of the scan (inclusive). */
  minStep: number
  /** Step the scan stops before. */
  stop: number
  /** Columns to read besides `_step`; all when undefined. */
  keys?: string[]
  /** Cancels every request. */
  signal?: AbortSignal
  /** How signed URLs are fetched. @default {} */
  fetch?: Omit<SignedFetchOptions, 'signal'>
  /** Export files opened at the same time. @default 4 */
  concurrency?: number
  /** Whether each source fetches the next row group's bytes while one decodes. @default true */
  readAhead?: boolean
  /** Bytes of each file's end read first (a file no bigger is read whole). @default 1048576 */
  tailBytes?: number
  /** The answer of `RunParquetHistory`, already asked for. @default asked here */
  exports?: Promise<ParquetExports>
  /** Threads to decode row groups on (`group_decode_job.ts`). @default this thread */
  decodeThreads?: DecodeThreads
}

/** The opened exports of a run. */
export interface ExportSources {
  /** How many export URLs the server returned. */
  urls: number
  /** One step source per export file. */
  sources: ExportFileSource[]
  /**
   * The first step to read from GraphQL: the smaller of the first unexported step (`liveData`)
   * and the step after the last exported one, so a run that logged more after the export but
   * reported no live rows still loses nothing. `-Infinity` when the exports hold no rows.
   */
  liveFromStep: number
}

/** Fetches the export URLs, opens every file (its end, a small file whole) and returns the sources. */
export async function openExportSources(
  transport: HistoryTransport,
  run: HistoryRunRef,
  options: OpenExportSourcesOptions,
): Promise<ExportSources> {
  const found = await (options.exports ?? fetchParquetExports(transport, run, options.signal))
  const files: ParquetExportFile[] = new Array(found.urls.length)
  const fetchOptions = {
    ...options.fetch,
    signal: options.signal,
    keys: options.keys,
    tailBytes: options.tailBytes,
    decodeThreads: options.decodeThreads,
  }
  let next = 0
  const worker = async () => {
    while (next < found.urls.length) {
      const i = next++
      const position = `${i + 1} of ${found.urls.length}`
      files[i] = await ParquetExportFile.open(found.urls[i], position, fetchOptions)
    }
  }
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, found.urls.length))
  await Promise.all(Array.from({ length: workers }, worker))
  let maxExported = -Infinity
  for (const file of files) {
    for (const group of file.groups) maxExported = Math.max(maxExported, group.maxStep)
  }
  return {
    urls: found.urls.length,
    sources: files.map((file) =>
      new ExportFileSource(file, options.minStep, options.stop, options.readAhead ?? true)
    ),
    liveFromStep: Math.min(found.minLiveStep, maxExported + 1),
  }
}
