/**
 * `sampledHistory`: the SDK's `Run.history()`, a server-chosen sample of a run's history rows.
 *
 * The result is labelled: it is a {@linkcode SampledHistory} object whose `sampled` is always
 * `true` and whose `rows` are the sample, never a bare row list or stream, so it cannot be
 * mistaken for the full history that {@linkcode scanHistory} streams.
 *
 * @module
 */
import { integralFloatPaths } from '../../json/float_paths.ts'
import { parseJson } from '../../json/parse_json.ts'
import { setFloatKeys } from '../../row_floats.ts'
import type { Row } from '../../row.ts'
import { requestHistory, runNotFound, runVariables } from './history_request.ts'
import type { HistoryRunRef, HistoryTransport } from './history_target.ts'
import {
  RUN_FULL_EVENTS_QUERY,
  RUN_FULL_HISTORY_QUERY,
  RUN_SAMPLED_HISTORY_QUERY,
} from '../queries.ts'
import { decodeFullHistory, decodeSampledHistory } from './history_responses.ts'

/**
 * How many system rows wbx asks for when it reads a remote run's system metrics (the CLI, the
 * bulk export, reports): the W&B API serves system metrics only sampled.
 */
export const REMOTE_SYSTEM_SAMPLES = 100_000

/** Options for {@linkcode sampledHistory}. */
export interface SampledHistoryOptions {
  /** How many rows the server should return at most. @default 500 */
  samples?: number
  /** Keys to sample (with `xAxis`); all keys when undefined. Needs `stream: 'default'`. @default undefined */
  keys?: string[]
  /** The x-axis key sampled alongside `keys`. @default '_step' */
  xAxis?: string
  /** `'default'` for logged metrics, `'system'` for system metrics (the `events` field). @default 'default' */
  stream?: 'default' | 'system'
  /** Cancels the request. */
  signal?: AbortSignal
}

/** A sample of a run's history rows, labelled as such. */
export interface SampledHistory {
  /** Always true: these rows are a server-chosen sample, not every logged row. */
  readonly sampled: true
  /** The `samples` asked for (the server may return fewer rows). */
  readonly samples: number
  /** Which history was sampled. */
  readonly stream: 'default' | 'system'
  /** The keys asked for, `xAxis` first, or null for all keys. */
  readonly keys: string[] | null
  /** The sampled rows, in the server's order, values as logged (NaN and ±Infinity as numbers). */
  readonly rows: Row[]
}

/** Checks arguments as the SDK does, but throws instead of printing and returning []. */
function checkOptions(options: SampledHistoryOptions): void {
  const { samples, keys, stream, xAxis } = options
  if (samples !== undefined && (!Number.isSafeInteger(samples) || samples < 1)) {
    throw new RangeError(`Cannot sample history: samples must be an integer ≥ 1, got ${samples}`)
  }
  if (keys !== undefined && (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string'))) {
    throw new TypeError(`Cannot sample history: keys must be an array of strings, got ${keys}`)
  }
  if (xAxis !== undefined && typeof xAxis !== 'string') {
    throw new TypeError(`Cannot sample history: xAxis must be a string, got ${xAxis}`)
  }
  if (stream !== undefined && stream !== 'default' && stream !== 'system') {
    throw new TypeError(
      `Cannot sample history: stream must be 'default' or 'system', got ${stream}`,
    )
  }
  if (keys && keys.length > 0 && stream === 'system') {
    throw new TypeError(
      "Cannot sample history: keys need stream 'default' (the SDK: stream must be default when specifying keys)",
    )
  }
}

/**
 * Fetches a sample of `run`'s history as the SDK's `Run.history()` does: with keys through
 * `sampledHistory(specs)`, otherwise through `history(samples)` or, for the system stream,
 * `events(samples)`.
 */
export async function sampledHistory(
  transport: HistoryTransport,
  run: HistoryRunRef,
  options: SampledHistoryOptions = {},
): Promise<SampledHistory> {
  checkOptions(options)
  const samples = options.samples ?? 500
  const stream = options.stream ?? 'default'
  const signal = options.signal
  if (options.keys && options.keys.length > 0) {
    const keys = [options.xAxis ?? '_step', ...options.keys]
    const specs = [JSON.stringify({ keys, samples })]
    const variables = { ...runVariables(run), specs }
    const data = await requestHistory(transport, run, RUN_SAMPLED_HISTORY_QUERY, variables, signal)
    const lists = decodeSampledHistory(data)
    if (!lists) throw runNotFound(run, 'sample the history')
    const rows = (lists[0] ?? []).map((item) => rowObject(item, 'a sampledHistory row'))
    return { sampled: true, samples, stream, keys, rows }
  }
  const node = stream === 'system' ? 'events' : 'history'
  const variables = { ...runVariables(run), samples }
  const data = await requestHistory(
    transport,
    run,
    node === 'events' ? RUN_FULL_EVENTS_QUERY : RUN_FULL_HISTORY_QUERY,
    variables,
    signal,
  )
  const texts = decodeFullHistory(data, node)
  if (!texts) throw runNotFound(run, 'sample the history')
  const rows = texts.map((text) => {
    const row = rowObject(parseJson(text), `a ${node} row`)
    setFloatKeys(row, integralFloatPaths(text)) // `1.0` stays a float (row_floats.ts)
    return row
  })
  return { sampled: true, samples, stream, keys: null, rows }
}

/** Checks that a decoded row is a JSON object. */
function rowObject(value: unknown, what: string): Row {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(
      `Cannot read ${what}: ${
        JSON.stringify(value)?.slice(0, 80)
      } is not an object; is the server a W&B API?`,
    )
  }
  return value as Row
}
