/**
 * Streams of a local run's history rows and system rows, with key and step filters, and the
 * evenly spaced sampling behind `LocalRun.history()`.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { Timestamp } from './record_types.ts'
import { buildHistoryRow, KeyOrder } from './history_record_row.ts'
import {
  checkKeySelection,
  KeySelection,
  type KeySelectionOptions,
} from '../history/key_selection.ts'
import { checkBatchSize, segmentStream } from './segment_stream.ts'
import { type FollowOptions, segmentFollow } from './follow_log.ts'
import type { DamageReport } from './damage_report.ts'
import type { RecordTap } from './deferred_pass.ts'
import type { RecordType } from './decode_record.ts'
import { systemRow } from './system_rows.ts'

/**
 * Options of `LocalRun.scanHistory()`; `follow: true` tails the run's last file as it grows.
 * `keys`, `keysMode` and `onMissingKeys` are the ones a remote `Run.scanHistory` takes too, under
 * the same rule (src/history/key_selection.ts: a null value counts as not logged).
 */
export interface ScanHistoryOptions extends FollowOptions, KeySelectionOptions {
  /** First step to return (inclusive); when set, rows without an integer step are skipped. */
  minStep?: number
  /** Step to stop before (exclusive, as the SDK); when set, rows without an integer step are skipped. */
  maxStep?: number
  /**
   * Rows per stream chunk.
   * @default 1000
   */
  batchSize?: number
  /** The SDK's name for `batchSize`; used when `batchSize` is not given. */
  pageSize?: number
  /** Aborts the scan: the stream errors with the signal's reason and the file is closed. */
  signal?: AbortSignal
  /**
   * Called as the scan reads the run's `.wandb` files with the bytes read so far, of all files
   * together (their sizes are the run's `segments[i].sizeBytes`), e.g. for a progress display.
   * Not called for pre-0.10 folders nor for the followed last file.
   * @default none
   */
  onRead?: (bytesRead: number) => void
}

/** Keys a keys-projected history row keeps. */
const HISTORY_ANCHORS = ['_step']
/** Keys a keys-projected system row keeps. */
const SYSTEM_ANCHORS = ['_timestamp', '_runtime']

/** Validates scan options, throwing TypeError/RangeError for misuse, and returns the batch size. */
export function checkScanOptions(options: ScanHistoryOptions, what: string): number {
  const { minStep, maxStep } = options
  checkKeySelection(options, what)
  for (const [name, v] of [['minStep', minStep], ['maxStep', maxStep]] as const) {
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) {
      throw new TypeError(`Cannot ${what}: ${name} must be a number, got ${JSON.stringify(v)}`)
    }
  }
  return checkBatchSize(options.batchSize ?? options.pageSize, 1000, what)
}

/**
 * A row filter built from scan options, returning the row to emit or undefined, and the key
 * selection behind it (which reports the keys that never had a value).
 */
function rowFilter(
  options: ScanHistoryOptions,
  anchors: readonly string[],
): { filter: (row: Row, step: number | undefined) => Row | undefined; selection: KeySelection } {
  const { minStep, maxStep } = options
  const selection = new KeySelection(options.keys, options.keysMode, anchors)
  const stepFilter = minStep !== undefined || maxStep !== undefined
  const filter = (row: Row, step: number | undefined): Row | undefined => {
    if (stepFilter) {
      if (step === undefined) return undefined
      if (minStep !== undefined && step < minStep) return undefined
      if (maxStep !== undefined && step >= maxStep) return undefined
    }
    return selection.pick(row)
  }
  return { filter, selection }
}

/**
 * The end hook of file `index`: after the last file's last record, the tap's pass ends and the
 * keys that never had a value go to `onMissingKeys` (a cancelled or failed scan does neither).
 */
function reportAfter(
  files: readonly string[],
  index: number,
  selection: KeySelection,
  options: ScanHistoryOptions,
  tap: RecordTap | undefined,
): (() => void) | undefined {
  if (index !== files.length - 1 || (!options.onMissingKeys && !tap)) return undefined
  return () => {
    tap?.end()
    if (options.onMissingKeys) void selection.report(options.onMissingKeys)
  }
}

/** The record types a scan decodes: its own, plus a tap's. */
function scanTypes(own: RecordType, tap: RecordTap | undefined): ReadonlySet<RecordType> {
  return new Set<RecordType>([own, ...(tap?.types ?? [])])
}

/**
 * Streams the history rows of the given files in order (decoding only history records, and
 * the records of `tap`, which sees every batch and ends after the last file's last record).
 */
export function historyRowStream(
  files: readonly string[],
  options: ScanHistoryOptions = {},
  followReport?: DamageReport,
  tap?: RecordTap,
): ReadableStream<Row[]> {
  const batchSize = checkScanOptions(options, 'scan history')
  const { filter, selection } = rowFilter(options, HISTORY_ANCHORS)
  let index = 0
  let lastStep: number | undefined
  const order = new KeyOrder()
  const follow = segmentFollow(
    options,
    () => lastStep === undefined ? `no history row yet` : `history step ${lastStep}`,
    followReport,
  )
  return segmentStream<Row>(files, scanTypes('history', tap), (i) => {
    tap?.begin(i)
    return {
      take(records, out) {
        tap?.take(i, records)
        for (const rec of records) {
          if (rec.type !== 'history') continue
          const built = buildHistoryRow(rec.history, index++, order)
          lastStep = built.step ?? lastStep
          const row = filter(built.row, built.step)
          if (row) out.push(row)
        }
      },
      end: reportAfter(files, i, selection, options, tap),
    }
  }, { batchSize, signal: options.signal, follow, onRead: options.onRead, reports: tap?.reports })
}

/** One file's start time and the seconds run before it, for `_runtime`. */
export interface SegmentClock {
  startTime?: Timestamp
  priorRuntime: number
}

/**
 * Streams system rows (one per stats record) of the given files; `_runtime` counts from each
 * file's start (`clocks`, or as a `tap` that sees every batch learns it), plus the time already
 * run before a resume. Step filters do not apply (system rows have no step).
 */
export function systemRowStream(
  files: readonly string[],
  clocks: readonly SegmentClock[] | ((index: number) => SegmentClock | undefined),
  options: ScanHistoryOptions = {},
  followReport?: DamageReport,
  tap?: RecordTap,
): ReadableStream<Row[]> {
  if (options.minStep !== undefined || options.maxStep !== undefined) {
    throw new TypeError(
      'Cannot scan system metrics: minStep/maxStep do not apply to system rows; filter by _timestamp instead',
    )
  }
  const batchSize = checkScanOptions(options, 'scan system metrics')
  const { filter, selection } = rowFilter(options, SYSTEM_ANCHORS)
  let lastTime: unknown
  const follow = segmentFollow(
    options,
    () =>
      lastTime === undefined ? 'no system sample yet' : `system sample at _timestamp ${lastTime}`,
    followReport,
  )
  const clockOf = typeof clocks === 'function' ? clocks : (i: number) => clocks[i]
  return segmentStream<Row>(files, scanTypes('stats', tap), (i) => {
    tap?.begin(i)
    return {
      take(records, out) {
        tap?.take(i, records)
        // A tap learns the file's clock from its run record, which comes before any stats.
        const start = runStart(clockOf(i))
        for (const rec of records) {
          if (rec.type !== 'stats') continue
          const full = systemRow(rec.stats, start)
          lastTime = full._timestamp ?? lastTime
          const row = filter(full, undefined)
          if (row) out.push(row)
        }
      },
      end: reportAfter(files, i, selection, options, tap),
    }
  }, { batchSize, signal: options.signal, follow, onRead: options.onRead, reports: tap?.reports })
}

/** The time a file's `_runtime` counts from: its start minus the time run before a resume. */
function runStart(clock: SegmentClock | undefined): Timestamp | undefined {
  return clock?.startTime
    ? { seconds: clock.startTime.seconds - clock.priorRuntime, nanos: clock.startTime.nanos }
    : undefined
}

/** The indices of an evenly spaced sample of `samples` out of `total` rows (first and last included). */
export function sampleIndices(total: number, samples: number): number[] {
  if (total <= samples) return Array.from({ length: total }, (_, i) => i)
  if (samples === 1) return [0]
  const out: number[] = []
  for (let i = 0; i < samples; i++) out.push(Math.round((i * (total - 1)) / (samples - 1)))
  return out
}

/**
 * Collects an evenly spaced sample of a row stream. `total` is the stream's row count when
 * known; otherwise one extra stream is drained first to count the rows.
 */
export async function sampleRows(
  makeStream: () => ReadableStream<Row[]>,
  samples: number,
  total?: number,
): Promise<Row[]> {
  if (!Number.isInteger(samples) || samples < 1) {
    throw new RangeError(
      `Cannot sample history: samples must be a positive integer, got ${samples}`,
    )
  }
  if (total === undefined) {
    total = 0
    for await (const batch of makeStream()) total += batch.length
  }
  const wanted = sampleIndices(total, samples)
  const out: Row[] = []
  if (wanted.length === 0) return out
  let index = 0
  let w = 0
  const reader = makeStream().getReader()
  try {
    while (w < wanted.length) {
      const { done, value } = await reader.read()
      if (done) break
      for (const row of value) {
        if (index++ === wanted[w]) {
          out.push(row)
          if (++w === wanted.length) break
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return out
}
