/**
 * The public streaming reader of `.wandb` transaction logs: `readRecords(path)` yields batches
 * of decoded records, reading the file in bounded slabs only as the consumer pulls, skipping
 * damaged blocks and recording every loss in a DamageReport.
 *
 * @module
 */
import type { DamageReport } from './damage_report.ts'
import {
  decodeRecordAt,
  type RecordHead,
  recordTypeOfField,
  scanRecordHead,
} from './decode_record.ts'
import type { RecordType } from './decode_record.ts'
import { ProtobufDecodeError } from './errors.ts'
import type { LogFramer } from './log_framer.ts'
import { FRAME_NEED_DATA, FRAME_RECORD, LogReader } from './log_reader.ts'
import { ProtoReader } from './protobuf_reader.ts'
import type { WandbRecord } from './record_types.ts'
import { isPre010Source, pre010Records } from './pre010_records.ts'

/** Options of readRecords and readRecordsFromBytes. */
export interface ReadRecordsOptions {
  /**
   * Decode only records of these types; the others are skipped after a cheap look at their
   * top-level fields (their `num` still counts for gap detection).
   * @default all types
   */
  types?: ReadonlySet<RecordType>
  /**
   * A report to fill in as reading goes (lost byte ranges, `num` gaps, truncated tail, record count).
   * @default a private report
   */
  report?: DamageReport
  /** Aborts reading: the stream errors with the signal's reason and the file is closed. */
  signal?: AbortSignal
  /**
   * Records per stream chunk.
   * @default 512
   */
  batchSize?: number
  /**
   * Throw a WandbLogDamageError at the first lost byte range (a truncated tail and an
   * undecodable record included) instead of skipping it. Gaps in `Record.num` alone do not throw.
   * @default false
   */
  strict?: boolean
  /**
   * Bytes read from the file at a time (whole 32 KiB blocks, at least 128 KiB).
   * @default 1048576
   */
  readSize?: number
  /**
   * Called after each slab read from the file with the bytes read so far (the file offset
   * reached), e.g. to show progress against the file's size. Not called for pre-0.10 folders.
   * @default none
   */
  onRead?: (bytesRead: number) => void
}

/**
 * Streams the records of a `.wandb` file as batches (or, given a pre-0.10 run folder, the
 * records its files stand for; see pre010_records.ts). Throws (through the stream) only when the
 * file cannot be opened or its header is wrong; damage is skipped and recorded in `report`.
 */
export function readRecords(
  path: string,
  options: ReadRecordsOptions = {},
): ReadableStream<WandbRecord[]> {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(`Cannot read records: path must be a non-empty string, got ${String(path)}`)
  }
  if (isPre010Source(path)) return pre010Records(path, options)
  return recordStream(() => LogReader.open(path, options), options)
}

/** Streams the records of a `.wandb` file held in memory; same output as readRecords. */
export function readRecordsFromBytes(
  bytes: Uint8Array,
  options: ReadRecordsOptions = {},
): ReadableStream<WandbRecord[]> {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`Cannot read records: expected a Uint8Array, got ${typeof bytes}`)
  }
  return recordStream(() => Promise.resolve(LogReader.fromBytes(bytes, options)), options)
}

/** Builds the pull-based stream shared by readRecords and readRecordsFromBytes. */
function recordStream(
  openReader: () => Promise<LogReader>,
  options: ReadRecordsOptions,
): ReadableStream<WandbRecord[]> {
  const batchSize = options.batchSize ?? 512
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot read records: batchSize must be a positive integer, got ${batchSize}`,
    )
  }
  const readSize = options.readSize
  if (readSize !== undefined && !(Number.isFinite(readSize) && readSize > 0)) {
    throw new RangeError(
      `Cannot read records: readSize must be a positive byte count, got ${readSize}`,
    )
  }
  if (options.types !== undefined && typeof options.types?.has !== 'function') {
    throw new TypeError(
      "Cannot read records: types must be a Set of record type names, e.g. new Set(['history'])",
    )
  }
  const signal = options.signal
  let reader: LogReader | undefined
  let collector: RecordCollector | undefined
  let busy = false
  let closed = false
  const cleanup = async (): Promise<void> => {
    closed = true
    signal?.removeEventListener('abort', onAbort)
    await reader?.close()
  }
  let onAbort = (): void => {}
  return new ReadableStream<WandbRecord[]>({
    start(controller) {
      if (!signal) return
      onAbort = () => {
        if (closed) return
        controller.error(signal.reason)
        if (!busy) void cleanup()
      }
      if (signal.aborted) onAbort()
      else signal.addEventListener('abort', onAbort, { once: true })
    },
    async pull(controller) {
      busy = true
      try {
        signal?.throwIfAborted()
        if (!reader) {
          reader = await openReader()
          collector = new RecordCollector(reader.framer, options.types)
          options.onRead?.(reader.bytesRead)
        }
        const batch: WandbRecord[] = []
        for (;;) {
          const code = reader.next()
          if (code === FRAME_RECORD) {
            const rec = collector?.take()
            if (rec && batch.push(rec) >= batchSize) break
          } else if (code === FRAME_NEED_DATA) {
            await reader.fill()
            options.onRead?.(reader.bytesRead)
            signal?.throwIfAborted()
          } else {
            await cleanup()
            if (batch.length > 0) controller.enqueue(batch)
            controller.close()
            return
          }
        }
        controller.enqueue(batch)
      } catch (err) {
        await cleanup()
        throw err
      } finally {
        busy = false
      }
    },
    cancel() {
      return cleanup()
    },
  }, { highWaterMark: 0 })
}

/** Turns framed payloads into records: type filtering, `num` gap tracking, decode-error recovery. */
export class RecordCollector {
  readonly #framer: LogFramer
  readonly #report: DamageReport
  readonly #types: ReadonlySet<RecordType> | undefined
  readonly #reader = new ProtoReader()
  readonly #head: RecordHead = { num: 0, field: 0 }
  #lastNum = 0

  /** Creates a collector reading the framer's current record. */
  constructor(framer: LogFramer, types: ReadonlySet<RecordType> | undefined) {
    this.#framer = framer
    this.#report = framer.report
    this.#types = types
  }

  /** Decodes the framer's current record, or returns undefined when it is filtered out or undecodable. */
  take(): WandbRecord | undefined {
    const f = this.#framer
    const r = this.#reader
    const types = this.#types
    try {
      if (types) {
        r.reset(f.out, f.outStart, f.outEnd)
        scanRecordHead(r, this.#head)
        const field = this.#head.field
        if (!types.has(recordTypeOfField(field)) && !(field === 26 && types.has('other'))) {
          this.#count(this.#head.num)
          return undefined
        }
      }
      r.reset(f.out, f.outStart, f.outEnd)
      const rec = decodeRecordAt(r, f.recordOffset)
      this.#count(rec.num)
      return types && !types.has(rec.type) ? undefined : rec
    } catch (err) {
      if (!(err instanceof ProtobufDecodeError)) throw err
      f.lose(f.recordOffset, f.recordEnd, `undecodable record (${err.message})`)
      return undefined
    }
  }

  /** Counts an intact record and records a gap when its `num` skips ahead. */
  #count(num: number): void {
    const report = this.#report
    report.records++
    if (num <= 0) return
    const last = this.#lastNum
    if (last === 0 ? num > 1 && report.lostRanges.length > 0 : num > last + 1) {
      report.numGaps.push({ after: last, before: num, missing: num - last - 1 })
    }
    if (num > last) this.#lastNum = num
  }
}

export { peekRecordType } from './decode_record.ts'
