/**
 * The metadata pass of a lazily opened `LocalRun` (the default): instead of reading the whole
 * log at `open()`, the pass runs on the first of
 * - `LocalRun.load()` (or `history()`), an asynchronous pass of its own;
 * - any attribute read that needs it, which runs the pass synchronously (`readRecordsSync`);
 * - with `metadata: 'scan'`, a history or system-metrics scan that reads every file to its end:
 *   the scan decodes the metadata record types too and hands them to the pass (a `RecordTap`),
 *   so opening, scanning and reading the attributes read the file once.
 * Without that, a system-metrics scan before the pass taps only the run records (`ClockTap`),
 * for each file's clock.
 *
 * Besides the collector's facts the pass keeps what the run state needs of the last file (its
 * newest run start and console output times, as `lastLogActivity` reads them), decoding console
 * records only when that file was written recently enough for the state to depend on them.
 *
 * @module
 */
import { open, stat } from 'node:fs/promises'
import { notRegularFileError } from '../fs/file_kind.ts'
import { type DamageReport, emptyDamageReport } from './damage_report.ts'
import type { RecordType } from './decode_record.ts'
import { FILE_HEADER_SIZE } from './log_framer.ts'
import { checkFileHeader } from './log_reader.ts'
import { readRecords } from './read_records.ts'
import { readRecordsSync } from './read_records_sync.ts'
import type { WandbRecord } from './record_types.ts'
import type { SegmentClock } from './history_scan.ts'
import { METADATA_TYPES, MetadataCollector } from './run_metadata.ts'
import { timestampSeconds } from './system_rows.ts'

/** Records a scan hands to a deferred metadata pass besides its own. */
export interface RecordTap {
  /** The record types the pass decodes (the scan adds its own). */
  readonly types: ReadonlySet<RecordType>
  /** One damage report per file, filled as the scan reads it. @default the scan's own */
  readonly reports?: readonly DamageReport[]
  /** Called as file `index` starts. */
  begin(index: number): void
  /** Called with each batch of file `index`'s records, before the scan takes them. */
  take(index: number, records: WandbRecord[]): void
  /** Called once, after the last file was read to its end. */
  end(): void
  /** File `index`'s clock as far as its records were seen (its first run record's start). */
  clock(index: number): SegmentClock | undefined
}

/** The metadata types plus the console records the run state may need. */
const WITH_OUTPUT: ReadonlySet<RecordType> = new Set<RecordType>([
  ...METADATA_TYPES,
  'output',
  'output_raw',
])

/** One metadata pass over the files of a run, fed batch by batch from any reader. */
export class DeferredPass implements RecordTap {
  readonly collector: MetadataCollector = new MetadataCollector()
  readonly types: ReadonlySet<RecordType>
  readonly reports: DamageReport[]
  /** Newest run start or console output time of the last file (Unix seconds), if any. */
  lastFileActivity: number | undefined
  readonly #last: number
  #onEnd: (pass: DeferredPass) => void

  /** A pass over `files`; `output` decodes console records for the state; `onEnd` gets the finished pass. */
  constructor(
    files: readonly string[],
    output: boolean,
    onEnd: (pass: DeferredPass) => void = () => {},
  ) {
    this.types = output ? WITH_OUTPUT : METADATA_TYPES
    this.reports = files.map((f) => emptyDamageReport(f))
    this.#last = files.length - 1
    this.#onEnd = onEnd
  }

  /** Starts file `index`. */
  begin(_index: number): void {
    this.collector.beginSegment()
  }

  /** Takes a batch of file `index`'s records. */
  take(index: number, records: WandbRecord[]): void {
    this.collector.take(records)
    if (index !== this.#last) return
    for (const rec of records) {
      if (rec.type === 'run' && rec.run.startTime) this.#see(timestampSeconds(rec.run.startTime))
      else if ((rec.type === 'output' || rec.type === 'output_raw') && rec.output.timestamp) {
        this.#see(timestampSeconds(rec.output.timestamp))
      }
    }
  }

  /** File `index`'s start and the time run before it, from its first run record with a start. */
  clock(index: number): SegmentClock | undefined {
    return this.collector.segments[index]
  }

  /** Finishes the pass and hands it to `onEnd` (once). */
  end(): void {
    this.collector.finish()
    const onEnd = this.#onEnd
    this.#onEnd = () => {}
    onEnd(this)
  }

  #see(seconds: number): void {
    if (Number.isFinite(seconds) && !(this.lastFileActivity! >= seconds)) {
      this.lastFileActivity = seconds
    }
  }
}

/**
 * The tap of a system-metrics scan before the metadata pass: only each file's clock (its first
 * run record with a start time, as the pass reads it), for `_runtime`.
 */
export class ClockTap implements RecordTap {
  readonly types: ReadonlySet<RecordType> = new Set<RecordType>(['run'])
  readonly #clocks: SegmentClock[] = []

  /** Starts file `index` with no clock yet. */
  begin(index: number): void {
    this.#clocks[index] = { priorRuntime: 0 }
  }

  /** Takes the start of file `index`'s first run record that has one. */
  take(index: number, records: WandbRecord[]): void {
    const clock = this.#clocks[index]
    for (const rec of records) {
      if (rec.type !== 'run' || !rec.run.startTime || clock.startTime) continue
      clock.startTime = rec.run.startTime
      clock.priorRuntime = rec.run.runtime ?? 0
    }
  }

  /** Nothing to finish. */
  end(): void {}

  /** File `index`'s clock as far as its records were seen. */
  clock(index: number): SegmentClock | undefined {
    return this.#clocks[index]
  }
}

/** Runs a pass over every file synchronously (an attribute read before any scan). */
export function runPassSync(files: readonly string[], pass: DeferredPass): DeferredPass {
  for (let i = 0; i < files.length; i++) {
    pass.begin(i)
    const batches = readRecordsSync(files[i], { types: pass.types, report: pass.reports[i] })
    for (const batch of batches) pass.take(i, batch)
  }
  pass.end()
  return pass
}

/** Runs a pass over every file, reading asynchronously (`LocalRun.load()`). */
export async function runPass(
  files: readonly string[],
  pass: DeferredPass,
  signal?: AbortSignal,
): Promise<DeferredPass> {
  for (let i = 0; i < files.length; i++) {
    pass.begin(i)
    const stream = readRecords(files[i], { types: pass.types, report: pass.reports[i], signal })
    for await (const batch of stream) pass.take(i, batch)
  }
  pass.end()
  return pass
}

/**
 * Checks that each file is a regular file starting with a `.wandb` header (all a lazy open
 * reads of it: 7 bytes), throwing as a full read of it would.
 */
export async function checkLogHeaders(
  files: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  for (const file of files) {
    signal?.throwIfAborted()
    const info = await stat(file)
    if (!info.isFile()) {
      throw notRegularFileError(file, info, 'wbx reads .wandb logs from regular files only')
    }
    const handle = await open(file, 'r')
    try {
      const head = new Uint8Array(FILE_HEADER_SIZE)
      const { bytesRead } = await handle.read(head, 0, FILE_HEADER_SIZE, 0)
      if (bytesRead > 0) checkFileHeader(head, bytesRead, file)
    } finally {
      await handle.close()
    }
  }
}
