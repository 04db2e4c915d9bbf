/**
 * The last step a run logged, as the SDK's `Run.lastHistoryStep` reads it.
 *
 * @module
 */
import { parseJson } from '../../json/parse_json.ts'
import { RUN_HISTORY_KEYS_QUERY } from '../queries.ts'
import { requestHistory, runVariables } from './history_request.ts'
import { decodeHistoryKeys } from './history_responses.ts'
import type { HistoryRunRef, HistoryTransport } from './history_target.ts'

/**
 * Fetches `historyKeys.lastStep`: -1 when `historyKeys` is null or has no step, `undefined`
 * when the server has no such run.
 */
export async function findLastHistoryStep(
  transport: HistoryTransport,
  run: HistoryRunRef,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const data = await requestHistory(
    transport,
    run,
    RUN_HISTORY_KEYS_QUERY,
    runVariables(run),
    signal,
  )
  const found = decodeHistoryKeys(data)
  if (!found) return undefined
  let keys = found.historyKeys
  if (typeof keys === 'string') keys = parseJson(keys)
  if (keys === null || typeof keys !== 'object') return -1
  const last = (keys as Record<string, unknown>).lastStep
  return typeof last === 'number' && Number.isFinite(last) ? Math.trunc(last) : -1
}

/** Fetches `historyKeys.lastStep`, or -1 when the project, run or `historyKeys` is null (runs.py). */
export async function fetchLastHistoryStep(
  transport: HistoryTransport,
  run: HistoryRunRef,
  signal?: AbortSignal,
): Promise<number> {
  return (await findLastHistoryStep(transport, run, signal)) ?? -1
}
