/**
 * Console lines from record batches: a per-file consumer for `segmentStream` and a
 * `TransformStream` from `readRecords` batches to `ConsoleLine` batches, both driving a
 * `ConsoleEmulator`.
 *
 * @module
 */
import type { OutputRecord, WandbRecord } from './record_types.ts'
import { timestampSeconds } from './system_rows.ts'
import {
  ConsoleEmulator,
  type ConsoleLine,
  type ConsoleOptions,
  type ConsoleStream,
} from './console_output.ts'

/** Unix seconds of an output record's timestamp, if it has one. */
function outputTime(output: OutputRecord): number | undefined {
  return output.timestamp ? timestampSeconds(output.timestamp) : undefined
}

/** Feeds console records to an emulator, pushing finished lines; other records are ignored. */
class ConsoleRecordFeeder {
  readonly #emulator: ConsoleEmulator
  readonly #wanted: Set<ConsoleStream> | undefined

  /** Creates a feeder with its own emulator. */
  constructor(options: ConsoleOptions) {
    this.#emulator = new ConsoleEmulator(options)
    this.#wanted = options.streams ? new Set(options.streams) : undefined
  }

  /** Feeds a batch of records, pushing finished lines to `out`. */
  take(records: WandbRecord[], out: ConsoleLine[]): void {
    const wanted = this.#wanted
    for (const record of records) {
      let lines: ConsoleLine[] | undefined
      if (record.type === 'output_raw' || record.type === 'output') {
        const o = record.output
        if (wanted && !wanted.has(o.stream)) continue
        lines = this.#emulator.write(o.stream, o.line, outputTime(o))
      } else if (record.type === 'output_logger') {
        if (wanted && !wanted.has('logger')) continue
        lines = this.#emulator.writeLines('logger', record.line)
      }
      if (lines) { for (const line of lines) out.push(line) }
    }
  }

  /** Finishes all open lines, pushing them to `out`. */
  end(out: ConsoleLine[]): void {
    for (const line of this.#emulator.end()) out.push(line)
  }
}

/**
 * A consumer of one file's records that emits console lines (`take` per record batch, `end`
 * after the last); the shape `segmentStream` expects.
 */
export function consoleRecordsConsumer(options: ConsoleOptions = {}): {
  take(records: WandbRecord[], out: ConsoleLine[]): void
  end(out: ConsoleLine[]): void
} {
  return new ConsoleRecordFeeder(options)
}

/**
 * A transform from record batches to console-line batches: `output_raw` and `output` records
 * go through the emulator, `output_logger` lines are appended; other records are ignored.
 */
export function consoleLineStream(
  options: ConsoleOptions = {},
): TransformStream<WandbRecord[], ConsoleLine[]> {
  const feeder = new ConsoleRecordFeeder(options)
  return new TransformStream<WandbRecord[], ConsoleLine[]>({
    transform(batch, controller) {
      const out: ConsoleLine[] = []
      feeder.take(batch, out)
      if (out.length > 0) controller.enqueue(out)
    },
    flush(controller) {
      const out: ConsoleLine[] = []
      feeder.end(out)
      if (out.length > 0) controller.enqueue(out)
    },
  })
}
