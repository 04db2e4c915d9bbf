/**
 * Console lines from record batches: a per-file consumer for `segmentStream` and a
 * `TransformStream` from `readRecords` batches to `ConsoleLine` batches, both driving a
 * `ConsoleEmulator`; and a run's console line stream over its files, followed or not.
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
import { CoreConsole } from './console_core.ts'
import { DedupedOutput } from './console_dedup.ts'
import type { DamageReport } from './damage_report.ts'
import { type FollowOptions, segmentFollow } from './follow_log.ts'
import type { ConsoleLinesOptions } from './local_run_options.ts'
import { segmentStream } from './segment_stream.ts'

/** Unix seconds of an output record's timestamp, if it has one. */
function outputTime(output: OutputRecord): number | undefined {
  return output.timestamp ? timestampSeconds(output.timestamp) : undefined
}

/** Matches the escape sequences `ansi: 'strip'` removes from the file models' lines. */
// deno-lint-ignore no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g

/**
 * Feeds console records to the model of the writer that wrote the log, pushing finished lines:
 * wandb-core's line model for a log with a producer in its header (exact `output.log`), the
 * legacy writer's carriage-return de-duplicating file for `output` records (exact), and the
 * terminal emulator for the legacy writer's `output_raw` records (whose `output.log` the SDK
 * wrote from timed flushes, so no replay can be exact). Other records are ignored.
 */
class ConsoleRecordFeeder {
  readonly #options: ConsoleOptions
  readonly #wanted: Set<ConsoleStream> | undefined
  #emulator: ConsoleEmulator | undefined
  #core: CoreConsole | undefined
  #deduped: DedupedOutput | undefined
  #isCore = false
  #verbatim: VerbatimText | undefined

  /** Creates a feeder; its models are created when the first record needs one. */
  constructor(options: ConsoleOptions) {
    this.#options = options
    this.#wanted = options.streams ? new Set(options.streams) : undefined
    if (options.ansi !== undefined && options.ansi !== 'keep' && options.ansi !== 'strip') {
      throw new TypeError(
        `Cannot emulate console: ansi must be 'keep' or 'strip', got ${
          JSON.stringify(options.ansi)
        }`,
      )
    }
  }

  /** Feeds a batch of records, pushing finished lines to `out`. */
  take(records: WandbRecord[], out: ConsoleLine[]): void {
    for (const record of records) {
      if (record.type === 'header') {
        if (record.header.producer) this.#isCore = true
        if (record.header.layout) this.#verbatim = new VerbatimText()
      } else if (record.type === 'output_raw' || record.type === 'output') {
        const o = record.output
        if (this.#verbatim) this.#push(this.#verbatim.write(o.stream, o.line), out)
        else if (this.#isCore) {
          this.#push(this.#coreModel().write(o.stream, o.line, outputTime(o)), out)
        } else if (record.type === 'output') {
          this.#push(
            (this.#deduped ??= new DedupedOutput()).write(o.stream, o.line, outputTime(o)),
            out,
          )
        } else {
          if (this.#wanted && !this.#wanted.has(o.stream)) continue
          this.#pushAll(this.#emulatorModel().write(o.stream, o.line, outputTime(o)), out)
        }
      } else if (record.type === 'output_logger') {
        if (this.#isCore) this.#push(this.#coreModel().writeLines(record.line), out)
        else if (!this.#wanted || this.#wanted.has('logger')) {
          this.#pushAll(this.#emulatorModel().writeLines('logger', record.line), out)
        }
      }
    }
  }

  /** Finishes all open lines, pushing them to `out`. */
  end(out: ConsoleLine[]): void {
    if (this.#verbatim) this.#push(this.#verbatim.end(), out)
    if (this.#deduped) this.#push(this.#deduped.end(), out)
    if (this.#core) this.#push(this.#core.end(), out)
    if (this.#emulator) this.#pushAll(this.#emulator.end(), out)
  }

  #coreModel(): CoreConsole {
    return (this.#core ??= new CoreConsole())
  }

  #emulatorModel(): ConsoleEmulator {
    return (this.#emulator ??= new ConsoleEmulator(this.#options))
  }

  /** Pushes a file model's lines, filtered by stream, styled per the options. */
  #push(lines: ConsoleLine[], out: ConsoleLine[]): void {
    const strip = this.#options.ansi === 'strip'
    const prefix = this.#options.errorPrefix ?? false
    for (const line of lines) {
      if (this.#wanted && !this.#wanted.has(line.stream)) continue
      if (strip) line.text = line.text.replace(ESCAPES, '')
      if (prefix && line.stream === 'stderr') line.text = 'ERROR ' + line.text
      out.push(line)
    }
  }

  /** Pushes the emulator's lines as they are. */
  #pushAll(lines: ConsoleLine[], out: ConsoleLine[]): void {
    for (const line of lines) out.push(line)
  }
}

/**
 * The lines of a pre-0.10 `output.log` exactly as the file holds them (those SDKs saved the raw
 * terminal text, `\r` included): split at `\n`, the last line unterminated when the file is.
 */
class VerbatimText {
  #partial = ''
  #stream: ConsoleStream = 'stdout'

  /** Takes a chunk of the file; returns the lines it completed. */
  write(stream: ConsoleStream, chunk: string): ConsoleLine[] {
    this.#stream = stream
    const parts = (this.#partial + chunk).split('\n')
    this.#partial = parts.pop()!
    return parts.map((text) => ({ stream, text }))
  }

  /** Returns the unterminated last line, if any. */
  end(): ConsoleLine[] {
    if (this.#partial === '') return []
    const line: ConsoleLine = { stream: this.#stream, text: this.#partial, unterminated: true }
    this.#partial = ''
    return [line]
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
 * A transform from record batches to console-line batches through the writer's model (see
 * ConsoleRecordFeeder; include the `header` record so wandb-core logs get wandb-core's model);
 * other records are ignored.
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

/** Renders console lines as `output.log` text: each line followed by a line break unless it is `unterminated`. */
export function consoleText(lines: readonly ConsoleLine[]): string {
  let text = ''
  for (const line of lines) text += line.unterminated ? line.text : line.text + '\n'
  return text
}

/** A TransformStream from console-line batches to their `output.log` text as UTF-8 bytes. */
export function consoleBytes(): TransformStream<ConsoleLine[], Uint8Array> {
  const encoder = new TextEncoder()
  return new TransformStream({
    transform(batch, controller) {
      if (batch.length) controller.enqueue(encoder.encode(consoleText(batch)))
    },
  })
}

/**
 * Streams a run's console lines after terminal emulation (one emulator per file), as batches;
 * with `follow: true` it keeps tailing the last file, refilling `followReport`, until the run ends.
 */
export function runConsoleLines(
  files: readonly string[],
  options: ConsoleLinesOptions & FollowOptions = {},
  followReport?: DamageReport,
): ReadableStream<ConsoleLine[]> {
  const {
    follow: followFlag,
    idleTimeoutMs,
    pollIntervalMs,
    crashedAfterMs,
    onEnd,
    ...rest
  } = options
  const { stream, batchSize, signal, onRead, ...emulation } = rest
  let lines = 0
  const follow = segmentFollow(
    { follow: followFlag, idleTimeoutMs, pollIntervalMs, crashedAfterMs, onEnd },
    () => `${lines} console lines`,
    followReport,
  )
  if (stream !== undefined && stream !== 'stdout' && stream !== 'stderr' && stream !== 'logger') {
    throw new TypeError(
      `Cannot read console lines: stream must be 'stdout', 'stderr' or 'logger', got ${
        JSON.stringify(stream)
      }`,
    )
  }
  const types = new Set(['header', 'output', 'output_raw', 'output_logger'] as const)
  const consoleOptions: ConsoleOptions = { ...emulation, streams: stream ? [stream] : undefined }
  return segmentStream(files, types, () => {
    const inner = consoleRecordsConsumer(consoleOptions)
    return {
      take: (records, out) => {
        const before = out.length
        inner.take(records, out)
        lines += out.length - before
      },
      end: (out) => inner.end(out),
    }
  }, { batchSize, signal, follow, onRead })
}
