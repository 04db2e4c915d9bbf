/**
 * The latest moment a run's log shows the process alive: the newest timestamp among its run
 * start, history `_timestamp` values, system-metric samples and console output records. Read
 * only for a run without an exit record whose file was written recently, to tell a live run
 * from a crashed one that was just copied (see `run_state.ts`).
 *
 * @module
 */
import type { RecordType } from './decode_record.ts'
import { parseValueJson } from './history_record_row.ts'
import { readRecords } from './read_records.ts'
import { deriveState, needsRecordTime, type RunState, type StateFacts } from './run_state.ts'
import { timestampSeconds } from './system_rows.ts'

const ACTIVITY_TYPES: ReadonlySet<RecordType> = new Set<RecordType>([
  'run',
  'history',
  'stats',
  'output',
  'output_raw',
])

const WITHOUT_HISTORY: ReadonlySet<RecordType> = new Set(
  [...ACTIVITY_TYPES].filter((t) => t !== 'history'),
)

/**
 * Returns the newest timestamp (Unix seconds) any record of `file` carries, or undefined when
 * none does; `history: false` skips history records (the costly ones to decode) for a caller
 * that already knows their newest `_timestamp`.
 */
export async function lastLogActivity(
  file: string,
  options: { signal?: AbortSignal; history?: boolean } = {},
): Promise<number | undefined> {
  const types = options.history === false ? WITHOUT_HISTORY : ACTIVITY_TYPES
  const signal = options.signal
  let latest: number | undefined
  const see = (seconds: number) => {
    if (Number.isFinite(seconds) && (latest === undefined || seconds > latest)) latest = seconds
  }
  for await (const batch of readRecords(file, { types, signal })) {
    for (const rec of batch) {
      if (rec.type === 'run' && rec.run.startTime) see(timestampSeconds(rec.run.startTime))
      else if (rec.type === 'stats' && rec.stats.timestamp) {
        see(timestampSeconds(rec.stats.timestamp))
      } else if ((rec.type === 'output' || rec.type === 'output_raw') && rec.output.timestamp) {
        see(timestampSeconds(rec.output.timestamp))
      } else if (rec.type === 'history') {
        for (const item of rec.history.items) {
          if (item.path.length !== 1 || item.path[0] !== '_timestamp') continue
          const ts = parseValueJson(item.valueJson)
          if (typeof ts === 'number') see(ts)
          break
        }
      }
    }
  }
  return latest
}

/** How {@linkcode logState} decides. */
export interface LogStateOptions {
  /** The `runningWithinSeconds` window of the state rule (run_state.ts). */
  runningWithinSeconds: number
  /** Aborts the read of the log. */
  signal?: AbortSignal
  /**
   * The newest activity (Unix seconds, or undefined when none) a pass that saw every history
   * `_timestamp` already found; history records are then not read again. Absent: they are read.
   */
  knownActivity?: { seconds: number | undefined }
}

/**
 * A log's state from its facts (run_state.ts), reading the newest record time of `file` only
 * when the exit record and the file's age leave the state open.
 */
export async function logState(
  file: string,
  facts: Omit<StateFacts, 'lastRecordMs'>,
  options: LogStateOptions,
): Promise<RunState> {
  const within = options.runningWithinSeconds
  const now = Date.now()
  if (!needsRecordTime(facts, within, now)) return deriveState(facts, within, now)
  const known = options.knownActivity
  const read = await lastLogActivity(file, {
    signal: options.signal,
    history: known === undefined,
  })
  const seen = known?.seconds
  const seconds = read === undefined ? seen : seen === undefined ? read : Math.max(read, seen)
  const lastRecordMs = seconds === undefined ? undefined : seconds * 1000
  return deriveState({ ...facts, lastRecordMs }, within, now)
}
