/**
 * Tails a `.wandb` file that is still being written: a stream of record batches that keeps
 * going as the file grows and ends when the run ends (an exit record, then the file settles),
 * when the file has not grown for `crashedAfterMs` (a killed writer: state `crashed`), on
 * cancel/abort, or with a {@link FollowIdleError} after `idleTimeoutMs` without new records.
 *
 * A chunk or record cut off at the current end of the file is "not yet written": the framer
 * waits for the rest. Only when the stream ends is a cut tail recorded as a truncated tail.
 * wandb-core writes the log a whole 32 KiB block at a time (and the partial block at exit), so
 * rows appear in block-sized steps; file-change notifications (`fs.watch`) wake the reader, with
 * a poll every `pollIntervalMs` as the fallback.
 *
 * @module
 */
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { type DamageReport, emptyDamageReport } from './damage_report.ts'
import { BLOCK_SIZE, FILE_HEADER_SIZE, LogFramer } from './log_framer.ts'
import { checkFileHeader, detectBlockBase, FRAME_NEED_DATA, FRAME_RECORD } from './log_reader.ts'
import { type ReadRecordsOptions, RecordCollector } from './read_records.ts'
import type { WandbRecord } from './record_types.ts'
import { FollowIdleError } from '../follow_idle_error.ts'
import { FileWaker } from './file_waker.ts'

export { FollowIdleError }

/** How a followed stream ended (passed to `onEnd`). */
export interface FollowEnd {
  /** `finished`/`failed` from the exit record, or `crashed` when the file stopped growing without one. */
  state: 'finished' | 'failed' | 'crashed'
  /** The exit record's code, or null without one. */
  exitCode: number | null
  /** Records read. */
  records: number
  /** Bytes of the file read. */
  bytes: number
}

/** Options for following a live run. */
export interface FollowOptions {
  /**
   * Keep the stream open while the run is live and emit rows as they are written; it closes when
   * the run ends, on cancel/abort, or after `idleTimeoutMs` without new data.
   * @default false
   */
  follow?: boolean
  /**
   * While following: error with a FollowIdleError when nothing new arrived for this many ms
   * (the run looks stalled); the message says what was last seen.
   * @default no limit
   */
  idleTimeoutMs?: number
  /**
   * While following: the longest wait between two checks for new data, in ms (file-change
   * notifications usually wake the reader sooner).
   * @default 500
   */
  pollIntervalMs?: number
  /**
   * While following a local run: a file without an exit record that has not grown for this many
   * ms ends the stream normally with state `crashed` (a killed writer).
   * @default 300000 (`LocalRun`'s runningWithinSeconds)
   */
  crashedAfterMs?: number
  /** While following: called once when the stream ends by itself, with how it ended. */
  onEnd?: (end: FollowEnd) => void
}

/** Options of followRecords: readRecords' options (progress aside), the follow options, the idle message. */
export interface FollowRecordsOptions extends FollowOptions, Omit<ReadRecordsOptions, 'onRead'> {
  /** Describes what the consumer saw last, for the idle-timeout message. */
  lastSeen?: () => string
}

/** After an exit record, how long the file must stay unchanged before the stream ends. */
const SETTLE_MS = 300

/** Checks follow options (RangeError for a bad duration). */
export function checkFollowOptions(options: FollowOptions, what: string): void {
  for (const key of ['idleTimeoutMs', 'pollIntervalMs', 'crashedAfterMs'] as const) {
    const v = options[key]
    if (v !== undefined && !(typeof v === 'number' && v > 0)) {
      throw new RangeError(`Cannot ${what}: ${key} must be a positive number of ms, got ${v}`)
    }
  }
}

/** Streams the records of a `.wandb` file as it grows, until the run ends (see the module). */
export function followRecords(
  path: string,
  options: FollowRecordsOptions = {},
): ReadableStream<WandbRecord[]> {
  checkFollowOptions(options, `follow ${path}`)
  const batchSize = options.batchSize ?? 512
  const readSize = Math.max(4 * BLOCK_SIZE, options.readSize ?? 1 << 20)
  const pollMs = options.pollIntervalMs ?? 500
  const crashedAfterMs = options.crashedAfterMs ?? 300_000
  const report = options.report ?? emptyDamageReport(path)
  const signal = options.signal
  const waker = new FileWaker(path, pollMs)
  let handle: FileHandle | undefined
  let framer: LogFramer | undefined
  let collector: RecordCollector | undefined
  let slab = new Uint8Array(readSize)
  let windowEnd = 0
  let size = 0
  let grownAt = Date.now()
  let dataAt = Date.now()
  let exit: number | null | undefined
  let ended = false
  const close = async (): Promise<void> => {
    ended = true
    waker.close()
    const h = handle
    handle = undefined
    await h?.close()
  }

  /** Stats the file; true when it grew. */
  const grow = async (): Promise<boolean> => {
    const info = await handle!.stat()
    const now = info.size
    // A file that stopped growing before we came counts from its last write.
    if (size === 0 && now > 0) grownAt = Math.min(Date.now(), info.mtimeMs)
    if (now < size) {
      throw new Error(
        `Cannot follow ${path}: the file shrank from ${size} to ${now} bytes while being read; was it replaced?`,
      )
    }
    if (now === size) return false
    if (size > 0) grownAt = Date.now()
    size = now
    return true
  }

  /** Opens the framer once the header is there. */
  const start = async (): Promise<boolean> => {
    if (size < FILE_HEADER_SIZE) return false
    const n = Math.min(size, 3 * BLOCK_SIZE + FILE_HEADER_SIZE)
    const head = new Uint8Array(n)
    await handle!.read(head, 0, n, 0)
    checkFileHeader(head, n, path)
    const base = detectBlockBase(head, n, false)
    framer = new LogFramer(report, { blockBase: base, strict: options.strict })
    // The exit record ends the stream, so it is decoded whatever the caller asked for.
    const types = options.types && new Set([...options.types, 'exit' as const])
    collector = new RecordCollector(framer, types)
    return true
  }

  /** Frames what the file holds now into `batch`; true when the file's current end was reached. */
  const frame = async (batch: WandbRecord[], eof: boolean): Promise<boolean> => {
    const f = framer!
    for (;;) {
      const code = f.next()
      if (code === FRAME_RECORD) {
        const rec = collector!.take()
        if (rec) {
          if (rec.type === 'exit') {
            exit = rec.exit.exitCode
            if (options.types && !options.types.has('exit')) continue
          }
          if (batch.push(rec) >= batchSize) return false
        }
        continue
      }
      if (code !== FRAME_NEED_DATA) return true
      const from = f.position
      if (!eof && windowEnd >= size) return true
      if (from >= size) {
        if (!eof) return true
        windowEnd = from
        f.setWindow(slab, from, 0, true)
        continue
      }
      const want = Math.min(readSize, size - from)
      if (slab.length < want) slab = new Uint8Array(want)
      let got = 0
      while (got < want) {
        const { bytesRead } = await handle!.read(slab, got, want - got, from + got)
        if (bytesRead === 0) break
        got += bytesRead
      }
      windowEnd = from + got
      f.setWindow(slab, from, got, eof && windowEnd >= size)
    }
  }

  /** Ends the stream: frames the rest as the file's end, reports how it ended. */
  const finish = async (
    controller: ReadableStreamDefaultController<WandbRecord[]>,
    rest: WandbRecord[],
  ): Promise<void> => {
    let batch = rest
    while (framer && !(await frame(batch, true))) {
      controller.enqueue(batch)
      batch = []
    }
    await close()
    if (batch.length) controller.enqueue(batch)
    const state = exit === undefined || exit === null
      ? 'crashed'
      : exit === 0
      ? 'finished'
      : 'failed'
    options.onEnd?.({ state, exitCode: exit ?? null, records: report.records, bytes: size })
    controller.close()
  }

  return new ReadableStream<WandbRecord[]>({
    async pull(controller) {
      try {
        if (!handle && !ended) {
          handle = await open(path, 'r')
          waker.start()
        }
        const batch: WandbRecord[] = []
        for (;;) {
          signal?.throwIfAborted()
          await grow()
          if (!framer) await start()
          if (framer) await frame(batch, false)
          if (batch.length > 0) {
            dataAt = Date.now()
            controller.enqueue(batch)
            return
          }
          const now = Date.now()
          if (exit !== undefined) {
            if (now - grownAt >= SETTLE_MS) return await finish(controller, batch)
          } else if (now - grownAt >= crashedAfterMs) {
            return await finish(controller, batch)
          } else if (options.idleTimeoutMs !== undefined && now - dataAt >= options.idleTimeoutMs) {
            if (batch.length) controller.enqueue(batch)
            throw idleError(path, now - dataAt, size, report.records, options.lastSeen)
          }
          await waker.wait(exit !== undefined ? SETTLE_MS / 3 : pollMs, signal)
        }
      } catch (err) {
        await close()
        throw err
      }
    },
    async cancel() {
      await close()
    },
  }, { highWaterMark: 0 })
}

/** The FollowIdleError of a local file. */
function idleError(
  path: string,
  idleMs: number,
  size: number,
  records: number,
  lastSeen: (() => string) | undefined,
): FollowIdleError {
  const seen = lastSeen?.() ?? `${records} records`
  return new FollowIdleError(
    `Run log ${path} looks stalled: nothing new for ${
      Math.round(idleMs / 1000)
    } s and no exit record; last seen: ${seen} (${size} bytes). Note that wandb-core writes the log in 32 KiB blocks, so a slow run shows up in steps; raise the idle timeout to keep waiting`,
    idleMs,
    seen,
  )
}

/**
 * The `follow` setting of a segment stream from a scan's options, or undefined when the scan
 * does not follow; `lastSeen` describes the last output for the idle-timeout message.
 */
export function segmentFollow(
  options: FollowOptions,
  lastSeen: () => string,
  report?: DamageReport,
): FollowRecordsOptions | undefined {
  if (options.follow === undefined || options.follow === false) {
    for (const key of ['idleTimeoutMs', 'pollIntervalMs', 'crashedAfterMs', 'onEnd'] as const) {
      if (options[key] !== undefined) {
        throw new TypeError(`Cannot use ${key} without follow: true`)
      }
    }
    return undefined
  }
  if (options.follow !== true) {
    throw new TypeError(`follow must be true or false, got ${JSON.stringify(options.follow)}`)
  }
  checkFollowOptions(options, 'follow the run')
  const { idleTimeoutMs, pollIntervalMs, crashedAfterMs, onEnd } = options
  if (report) resetReport(report)
  return { idleTimeoutMs, pollIntervalMs, crashedAfterMs, onEnd, lastSeen, report }
}

/** Empties a damage report before the file is read again from the start. */
function resetReport(report: DamageReport): void {
  report.lostRanges.length = 0
  report.numGaps.length = 0
  report.truncatedTail = false
  report.records = 0
}
