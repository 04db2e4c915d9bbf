/**
 * A pull-based stream over the records of one or more `.wandb` files read one after another
 * (the segments of a resumed run), turned into batches of output items by a per-file consumer.
 *
 * @module
 */
import type { DamageReport } from './damage_report.ts'
import type { RecordType } from './decode_record.ts'
import { followRecords, type FollowRecordsOptions } from './follow_log.ts'
import { readRecords } from './read_records.ts'
import type { WandbRecord } from './record_types.ts'

/** Turns the records of one file into output items. */
export interface SegmentConsumer<T> {
  /** Takes one batch of records, pushing any finished outputs to `out`. */
  take(records: WandbRecord[], out: T[]): void
  /** Called after the file's last record, to push what is still held. */
  end?(out: T[]): void
}

/** Options of segmentStream. */
export interface SegmentStreamOptions {
  /**
   * Output items per stream chunk (the last chunk may be smaller).
   * @default 1000
   */
  batchSize?: number
  /** Aborts reading: the stream errors with the signal's reason and open files are closed. */
  signal?: AbortSignal
  /**
   * Throw at the first damaged byte range instead of skipping it.
   * @default false
   */
  strict?: boolean
  /**
   * Follow the last file as it grows (see `follow_log.ts`); batches then go out as soon as they
   * hold anything.
   * @default undefined (read the files as they are)
   */
  follow?: FollowRecordsOptions
  /**
   * Called as the files are read with the bytes read so far, of all files together (see
   * `ReadRecordsOptions.onRead`); not for a followed file.
   * @default none
   */
  onRead?: (bytesRead: number) => void
  /**
   * One damage report per file, filled as each is read (not a followed file).
   * @default a private report per file
   */
  reports?: readonly DamageReport[]
}

/** Checks a batch size option and returns it (or the default). */
export function checkBatchSize(
  batchSize: number | undefined,
  fallback: number,
  what: string,
): number {
  const n = batchSize ?? fallback
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot ${what}: batchSize must be a positive integer, got ${batchSize}`)
  }
  return n
}

/**
 * Streams the outputs of `consumerFor(i)` over the records of `files[i]`, file after file,
 * decoding only `types`. Work happens in `pull()`; memory holds one record batch plus at most
 * one output batch.
 */
export function segmentStream<T>(
  files: readonly string[],
  types: ReadonlySet<RecordType>,
  consumerFor: (index: number) => SegmentConsumer<T>,
  options: SegmentStreamOptions = {},
): ReadableStream<T[]> {
  const batchSize = checkBatchSize(options.batchSize, 1000, 'stream run records')
  const signal = options.signal
  let next = 0
  let reader: ReadableStreamDefaultReader<WandbRecord[]> | undefined
  let consumer: SegmentConsumer<T> | undefined
  let buffer: T[] = []
  let finished = false
  // Bytes of the files before the current one, and of the current one, read so far.
  let earlier = 0
  let current = 0
  const onRead = options.onRead
  const fileRead = onRead && ((bytes: number) => {
    current = bytes
    onRead(earlier + bytes)
  })
  let onAbort = (): void => {}
  const stop = (reason?: unknown): void => {
    finished = true
    signal?.removeEventListener('abort', onAbort)
    reader?.cancel(reason).catch(() => {})
    reader = undefined
  }
  return new ReadableStream<T[]>({
    start(controller) {
      if (!signal) return
      onAbort = () => {
        if (finished) return
        controller.error(signal.reason)
        stop(signal.reason)
      }
      if (signal.aborted) onAbort()
      else signal.addEventListener('abort', onAbort, { once: true })
    },
    async pull(controller) {
      try {
        while (buffer.length < batchSize) {
          signal?.throwIfAborted()
          if (!reader) {
            if (next >= files.length) break
            consumer = consumerFor(next)
            const file = files[next++]
            const follow = options.follow
            earlier += current
            current = 0
            reader = (follow && next === files.length
              ? followRecords(file, { ...follow, types, signal, strict: options.strict })
              : readRecords(file, {
                types,
                signal,
                strict: options.strict,
                onRead: fileRead,
                report: options.reports?.[next - 1],
              }))
              .getReader()
          }
          const { done, value } = await reader.read()
          if (done) {
            reader = undefined
            consumer!.end?.(buffer)
          } else {
            consumer!.take(value, buffer)
            if (options.follow && buffer.length > 0) break
          }
        }
      } catch (err) {
        stop(err)
        throw err
      }
      if (buffer.length > batchSize) {
        controller.enqueue(buffer.slice(0, batchSize))
        buffer = buffer.slice(batchSize)
      } else if (buffer.length > 0) {
        controller.enqueue(buffer)
        buffer = []
      }
      if (!reader && next >= files.length && buffer.length === 0) {
        stop()
        controller.close()
      }
    },
    cancel(reason) {
      stop(reason)
    },
  }, { highWaterMark: 0 })
}
