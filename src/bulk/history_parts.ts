/**
 * Writing a run's history as part files: rows are read once, in step order, from the step after
 * the last exported one, and cut into parts of at most `partRows` rows. Each part is written
 * atomically and reported (journaled) before the next begins, so an interrupted export loses at
 * most the part in flight, and the next one continues after the last reported part. Part
 * boundaries depend only on the rows, so a resumed export writes the same parts as an
 * uninterrupted one.
 *
 * @module
 */
import { join } from 'node:path'
import type { ExportFormat } from '../export/mod.ts'
import type { ParquetWorkers } from '../export/parquet_workers.ts'
import type { DecodeThreads } from '../api/history/group_decode_job.ts'
import { type HistoryBatch, HistorySlice } from '../api/history/history_slice.ts'
import type { Row } from '../row.ts'
import type { BulkRun } from './bulk_source.ts'
import { schemaId } from './dataset_schema.ts'
import {
  fitRows,
  type HistorySchema,
  historySchema,
  SchemaDriftError,
  sliceFits,
} from './history_schema.ts'
import { historyBatches } from './history_slices.ts'
import { partPath } from './layout.ts'
import { rowFingerprint } from './row_fingerprint.ts'
import type { PartRecord } from './manifest.ts'
import { groupRowsFor } from './run_memory.ts'
import { TableWriter } from './table_writer.ts'

/** Options of {@linkcode exportHistoryParts}. */
export interface HistoryPartsOptions {
  /** The export folder. */
  dir: string
  /** Output format. */
  format: ExportFormat
  /** Parquet codec. */
  codec?: string
  /** Most rows per part. */
  partRows: number
  /** Only these history keys. */
  keys?: string[]
  /** The dataset's schema (every part of every run is written with it). @default the run's `historyKeys` */
  schema?: HistorySchema
  /**
   * Rows the source says are left from the first step (`historyLineCount` less the rows already
   * exported): each part's row groups are sized for the rows it should hold (`run_memory.ts`).
   * @default unknown: the largest row groups
   */
  expectedRows?: number
  /** Encoder workers for Parquet parts. @default the main thread */
  workers?: ParquetWorkers
  /** Threads to decode a remote run's export row groups on. @default the main thread */
  decodeThreads?: DecodeThreads
  /** Cancels the export; the part in flight is not created. */
  signal: AbortSignal
  /** Called with each finished part, before the next one starts (journal it here). */
  onPart: (part: PartRecord) => Promise<void>
  /** Called with the rows of each batch written. */
  onRows?: (rows: number) => void
}

/** The last row a previous export wrote, which the source must still hold unchanged. */
export interface HistoryWatermark {
  /** Its step. */
  step: number
  /** Its fingerprint. */
  hash: string | null
}

/** The source no longer holds the last row exported: the run was rewound. */
export class HistoryRewoundError extends Error {
  /** Creates the error for a run and the watermark step. */
  constructor(runId: string, step: number) {
    super(
      `the history of ${runId} changed at or before step ${step}, the last one exported; rewriting it`,
    )
    this.name = 'HistoryRewoundError'
  }
}

/**
 * Exports history rows with steps in `[fromStep, run.lastHistoryStep]` as parts numbered from
 * `firstIndex`. Parquet and CSV parts use the dataset's schema (or the run's `historyKeys`); a
 * part whose rows do not fit it is read again and written with inferred columns (its record's
 * `schema` is then null, and the dataset's schema grows to hold it afterwards). With a `watermark`, the
 * read starts at its step and its row must match its fingerprint, else
 * {@linkcode HistoryRewoundError} is thrown before anything is written.
 */
export async function exportHistoryParts(
  run: BulkRun,
  fromStep: number,
  firstIndex: number,
  options: HistoryPartsOptions,
  watermark?: HistoryWatermark,
): Promise<void> {
  const stop = run.lastHistoryStep + 1
  if (fromStep >= stop) return
  const { format, partRows, signal } = options
  if (!Number.isSafeInteger(partRows) || partRows < 1) {
    throw new RangeError(`Cannot split history into parts of ${partRows} rows: use an integer >= 1`)
  }
  const schema = format === 'ndjson'
    ? undefined
    : options.schema ?? historySchema(run.historyKeys, options.keys)
  const id = schema ? schemaId(schema) : null
  // A Parquet part with the declared schema takes export columns as they were decoded.
  const open = (from: number, slices: boolean) =>
    historyBatches(
      run,
      { minStep: from, maxStep: stop, keys: options.keys, signal },
      slices,
      options.decodeThreads,
    ).getReader()
  const columnar = format === 'parquet' && schema !== undefined
  let reader = open(watermark ? Math.min(watermark.step, fromStep) : fromStep, columnar)
  let pending: HistoryBatch = []
  let checking = watermark !== undefined
  let last: HistoryBatch | undefined
  let index = firstIndex
  let partStart = fromStep
  let inferred = false
  let table: TableWriter | undefined
  let expected = options.expectedRows ?? Infinity

  const startPart = (): TableWriter =>
    TableWriter.open(join(options.dir, partPath('history', run.id, index, format)), {
      root: options.dir,
      format,
      columns: inferred ? undefined : schema?.columns,
      types: inferred ? undefined : schema?.types,
      flatten: format === 'ndjson' ? false : inferred,
      codec: options.codec,
      rowGroupSize: groupRowsFor(Math.min(partRows, expected)),
      workers: options.workers,
      signal,
    })
  const finishPart = async (): Promise<void> => {
    const file = await table!.close()
    table = undefined
    if (file.maxStep === null) {
      throw new Error(
        `Cannot export the history of ${run.id}: part ${index} has rows without _step`,
      )
    }
    await options.onPart({
      file: partPath('history', run.id, index, format),
      bytes: file.bytes,
      sha256: file.sha256,
      rows: file.rows,
      minStep: file.minStep,
      maxStep: file.maxStep,
      lastRowHash: last ? rowFingerprint(lastOf(last)) : null,
      schema: inferred ? null : id,
    })
    release(last) // a slice holds its whole decoded group
    last = undefined
    partStart = file.maxStep + 1
    expected = Math.max(0, expected - file.rows)
    index++
    inferred = false
  }

  try {
    for (;;) {
      if (pending.length === 0) {
        const next = await reader.read()
        if (next.done) break
        pending = next.value
        if (checking && pending.length > 0) {
          checking = false
          const rows = rowsOf(pending)
          release(pending)
          pending = checkWatermark(run.id, rows, watermark!, fromStep)
        }
        continue
      }
      table ??= startPart()
      // `pending`, `take` and `last` are each held once here: a slice is released when replaced.
      const room = partRows - table.rows
      let take: HistoryBatch = pending
      if (pending.length <= room) pending = []
      else {
        const whole: HistoryBatch = pending
        take = whole.slice(0, room)
        pending = whole.slice(room)
        release(whole)
      }
      try {
        if (take instanceof HistorySlice && columnar && !inferred && sliceFits(take, schema!)) {
          await table.write(take)
        } else {
          const rows = rowsOf(take)
          await table.write(schema && !inferred ? fitRows(rows, schema) : rows)
        }
      } catch (err) {
        if (!(err instanceof SchemaDriftError)) throw err
        // historyKeys did not describe these rows: write this part again with inferred columns.
        await table.abort(err)
        table = undefined
        await reader.cancel(err).catch(() => {})
        reader = open(partStart, false)
        pending = []
        inferred = true
        continue
      }
      // The part holds a copy of what it wrote.
      if (last !== take) release(last)
      last = take
      options.onRows?.(take.length)
      if (table.rows >= partRows) await finishPart()
    }
    if (checking) throw new HistoryRewoundError(run.id, watermark!.step)
    if (table) await finishPart()
  } catch (err) {
    await table?.abort(err)
    await reader.cancel(err).catch(() => {})
    throw err
  }
}

/** A batch's rows as row objects. */
function rowsOf(batch: HistoryBatch): Row[] {
  return batch instanceof HistorySlice ? batch.rows() : batch
}

/**
 * Lets go of a slice (its decoded group may then be reused, `decoded_columns.ts`); rows need
 * nothing. Error paths skip it: a slice never released only leaves its group to the collector.
 */
function release(batch: HistoryBatch | undefined): void {
  if (batch instanceof HistorySlice) batch.release()
}

/** A non-empty batch's last row. */
function lastOf(batch: HistoryBatch): Row {
  return batch instanceof HistorySlice ? batch.row(batch.length - 1) : batch[batch.length - 1]
}

/** Checks the first rows against the watermark and drops those before `fromStep`. */
function checkWatermark(
  runId: string,
  rows: Row[],
  watermark: HistoryWatermark,
  fromStep: number,
): Row[] {
  const first = rows[0]
  if (first._step !== watermark.step || rowFingerprint(first) !== watermark.hash) {
    throw new HistoryRewoundError(runId, watermark.step)
  }
  return rows.filter((row) => typeof row._step === 'number' && row._step >= fromStep)
}
