/**
 * Reading a bulk run's history as slices of export columns where it can (`HistorySlice`), so a
 * Parquet part is written without row objects. Internal: a source registers the reader beside
 * its run, and the public `BulkRun.history()` stays a stream of rows.
 *
 * @module
 */
import type { DecodeThreads } from '../api/history/group_decode_job.ts'
import type { HistoryBatch } from '../api/history/history_slice.ts'
import type { BulkHistoryOptions, BulkRun } from './bulk_source.ts'

/** Reads history as rows or slices, decoding on `decodeThreads` where the source decodes. */
type SliceReader = (
  options: BulkHistoryOptions,
  decodeThreads?: DecodeThreads,
) => ReadableStream<HistoryBatch>

const readers = new WeakMap<BulkRun, SliceReader>()

/** Registers `read` as the way to read `run`'s history as slices; returns the run. */
export function withHistorySlices(run: BulkRun, read: SliceReader): BulkRun {
  readers.set(run, read)
  return run
}

/**
 * The run's history, as slices where its source can make them (and `slices`), else as rows; a
 * slice reader decodes on `decodeThreads` when given.
 */
export function historyBatches(
  run: BulkRun,
  options: BulkHistoryOptions,
  slices: boolean,
  decodeThreads?: DecodeThreads,
): ReadableStream<HistoryBatch> {
  const read = slices ? readers.get(run) : undefined
  return read ? read(options, decodeThreads) : run.history(options)
}
