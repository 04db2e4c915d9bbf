/**
 * The synchronous twin of `readRecords` for `.wandb` files: the same framing, type filter and
 * damage recovery, read in the same bounded slabs, for the one caller that cannot wait (a
 * `LocalRun` attribute read before any pass over the file; see local_run.ts).
 *
 * @module
 */
import { FRAME_NEED_DATA, FRAME_RECORD, LogReader } from './log_reader.ts'
import { type ReadRecordsOptions, RecordCollector } from './read_records.ts'
import type { WandbRecord } from './record_types.ts'

/** Options of readRecordsSync (those of readRecords that apply without a stream). */
export type ReadRecordsSyncOptions = Pick<
  ReadRecordsOptions,
  'types' | 'report' | 'batchSize' | 'strict' | 'readSize' | 'onRead'
>

/**
 * Yields the records of a `.wandb` file as batches, reading it synchronously; the file is
 * closed when the iteration ends or is abandoned. Pre-0.10 run folders are not read here.
 */
export function* readRecordsSync(
  path: string,
  options: ReadRecordsSyncOptions = {},
): Generator<WandbRecord[], void, undefined> {
  const batchSize = options.batchSize ?? 512
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot read records: batchSize must be a positive integer, got ${batchSize}`,
    )
  }
  const reader = LogReader.openSync(path, options)
  try {
    const collector = new RecordCollector(reader.framer, options.types)
    options.onRead?.(reader.bytesRead)
    let batch: WandbRecord[] = []
    for (;;) {
      const code = reader.next()
      if (code === FRAME_RECORD) {
        const rec = collector.take()
        if (rec && batch.push(rec) >= batchSize) {
          yield batch
          batch = []
        }
      } else if (code === FRAME_NEED_DATA) {
        reader.fillSync()
        options.onRead?.(reader.bytesRead)
      } else break
    }
    if (batch.length > 0) yield batch
  } finally {
    reader.closeSync()
  }
}
