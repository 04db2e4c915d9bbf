/**
 * Finds a run's Parquet history exports: the signed URLs and the first step not yet exported.
 *
 * @module
 */
import { requestHistory, runNotFound } from './history_request.ts'
import { type HistoryRunRef, type HistoryTransport, runPathOf } from './history_target.ts'
import { RUN_PARQUET_HISTORY_QUERY } from '../queries.ts'
import { decodeParquetHistory } from './history_responses.ts'

/** What `parquetHistory(liveKeys: ["_step"])` says about a run's exports. */
export interface ParquetExports {
  /** Signed URLs of the export files (another origin: never send credentials there). Order is not stable between calls. */
  urls: string[]
  /** How many rows the server holds that are not exported yet. */
  liveRows: number
  /** The smallest `_step` among those rows, or `Infinity` when every row is exported. */
  minLiveStep: number
}

/** Sends `RunParquetHistory` with `liveKeys: ["_step"]` as wandb-core does, and checks `liveData` as it does. */
export async function fetchParquetExports(
  transport: HistoryTransport,
  run: HistoryRunRef,
  signal?: AbortSignal,
): Promise<ParquetExports> {
  const variables = {
    entity: run.entity,
    project: run.project,
    runName: run.id,
    liveKeys: ['_step'],
  }
  const data = await requestHistory(transport, run, RUN_PARQUET_HISTORY_QUERY, variables, signal)
  const found = decodeParquetHistory(data)
  if (!found) throw runNotFound(run, 'find the Parquet history exports')
  let minLiveStep = Infinity
  for (const item of found.liveData) {
    const step = liveStepOf(item, runPathOf(run))
    if (step < minLiveStep) minLiveStep = step
  }
  return { urls: found.parquetUrls, liveRows: found.liveData.length, minLiveStep }
}

/** Reads the integer `_step` of one `liveData` element, failing as wandb-core does on a bad one. */
function liveStepOf(item: unknown, path: string): number {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new TypeError(
      `Cannot read the live history of ${path}: a liveData element is ${
        JSON.stringify(item)?.slice(0, 80)
      }, not an object; is the server a W&B API?`,
    )
  }
  const step = (item as Record<string, unknown>)._step
  if (typeof step !== 'number' || !Number.isFinite(step)) {
    throw new TypeError(
      `Cannot read the live history of ${path}: a liveData element has _step ${
        JSON.stringify(step) ?? 'undefined'
      }, not a number; is the server a W&B API?`,
    )
  }
  return Math.trunc(step)
}
