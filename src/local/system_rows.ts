/**
 * Converts `StatsRecord`s into rows of the API's system stream (`run.history(stream="system")`,
 * format reference §4.7): `_wandb: true`, `_timestamp` (Unix seconds), `_runtime` (seconds
 * since the run started) and `system.<key>` for each item. Dict values written by the legacy
 * Python writer (`network: {sent, recv}`) are flattened with `.` (`system.network.sent`).
 *
 * @module
 */
import type { StatsRecord, Timestamp } from './record_types.ts'
import type { Row } from '../row.ts'
import { isPlainObject, parseValueJson } from './history_record_row.ts'
import { defineKey } from '../json/json_edit.ts'

/** Converts a protobuf timestamp to Unix seconds. */
export function timestampSeconds(ts: Timestamp): number {
  return ts.seconds + ts.nanos / 1e9
}

/**
 * Seconds of a duration given as whole seconds plus nanoseconds, computed like Go's
 * `Duration.Seconds()` (whole seconds plus the same-signed nanosecond remainder / 1e9), so the
 * float is bit-identical to the `_runtime` wandb-core sends.
 */
function durationSeconds(seconds: number, nanos: number): number {
  if (seconds > 0 && nanos < 0) return seconds - 1 + (nanos + 1e9) / 1e9
  if (seconds < 0 && nanos > 0) return seconds + 1 + (nanos - 1e9) / 1e9
  return seconds + nanos / 1e9
}

/**
 * Builds the system-stream row for one stats sample; `startTime` is the run's start
 * (`RunRecord.start_time`), without which `_runtime` is left out.
 */
export function systemRow(stats: StatsRecord, startTime?: Timestamp): Row {
  const row: Row = { _wandb: true }
  const ts = stats.timestamp
  if (ts) {
    row._timestamp = timestampSeconds(ts)
    if (startTime) {
      row._runtime = durationSeconds(ts.seconds - startTime.seconds, ts.nanos - startTime.nanos)
    }
  }
  if (stats.runtime !== undefined) row._runtime = stats.runtime
  for (const item of stats.items) {
    const value = parseValueJson(item.valueJson)
    if (isPlainObject(value)) flattenInto(row, `system.${item.key}`, value)
    else defineKey(row, `system.${item.key}`, value)
  }
  return row
}

/** Copies the leaves of a legacy dict value into the row under dotted keys. */
function flattenInto(row: Row, prefix: string, value: Record<string, unknown>): void {
  for (const key of Object.keys(value)) {
    const child = value[key]
    if (isPlainObject(child)) flattenInto(row, `${prefix}.${key}`, child)
    else defineKey(row, `${prefix}.${key}`, child)
  }
}
