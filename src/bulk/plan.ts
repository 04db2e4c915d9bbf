/**
 * The dry-run plan: for each selected run, what the export would do and an estimate of the rows,
 * bytes and requests it would cost, from `historyLineCount`, the `historyKeys` columns and the
 * file sizes. Estimates, not promises: bytes are uncompressed cell sizes (Parquet output is
 * usually smaller), requests assume GraphQL history pages (Parquet exports need fewer).
 *
 * @module
 */
import type { ColumnType } from '../export/column_kind.ts'
import type { BulkRun } from './bulk_source.ts'
import { historySchema } from './history_schema.ts'
import type { Include, RunEntry } from './manifest.ts'
import { decideAction, type RunAction } from './run_action.ts'

/** One run's line of the plan. */
export interface RunPlan {
  /** Run id. */
  id: string
  /** What the export would do. */
  action: RunAction
  /** History rows to write (estimate). */
  rows: number
  /** Bytes to write (estimate). */
  bytes: number
  /** HTTP requests to make (estimate; 0 for local runs). */
  requests: number
}

/** The whole plan. */
export interface ExportPlan {
  /** One entry per selected run, in listing order. */
  runs: RunPlan[]
  /** Sums over the runs; `listingRequests` counts the run listing itself. */
  totals: {
    runs: number
    toExport: number
    unchanged: number
    rows: number
    bytes: number
    requests: number
    listingRequests: number
  }
}

/** Steps per GraphQL history page, as the API client pages. */
const PAGE_STEPS = 1000

/** Bytes of one cell by declared type (uncompressed). */
const CELL_BYTES: Record<ColumnType, number> = { int: 8, double: 8, bool: 1, string: 16, json: 64 }

/** Estimates one run's export. `fileSizes` are the sizes of the files that would be downloaded. */
export function planRun(
  run: BulkRun,
  entry: RunEntry | undefined,
  include: Include,
  options: { keys?: string[]; remote: boolean; fileSizes?: number[] },
): RunPlan {
  const action = decideAction(entry, run, include)
  if (action === 'skip') return { id: run.id, action, rows: 0, bytes: 0, requests: 0 }
  const fresh = action === 'new' || action === 'rewrite' || !entry?.history
  let rows = 0
  let bytes = 0
  let requests = 0
  if (include.history) {
    rows = fresh ? run.historyLineCount : Math.max(0, run.historyLineCount - entry!.history!.rows)
    const schema = historySchema(run.historyKeys, options.keys)
    const rowBytes = schema.columns.reduce((sum, c) => sum + CELL_BYTES[schema.types[c]], 0)
    bytes += rows * rowBytes
    // RunParquetHistory, then GraphQL pages (the last step comes with the listing).
    if (options.remote && rows > 0) requests += 1 + Math.ceil(rows / PAGE_STEPS)
  }
  if (include.system) requests += 1
  if (include.logs) requests += 2
  if (include.artifacts) requests += 2
  if (include.files) {
    const sizes = options.fileSizes ?? []
    requests += 1 + 2 * sizes.length
    bytes += sizes.reduce((a, b) => a + b, 0)
  }
  return { id: run.id, action, rows, bytes, requests: options.remote ? requests : 0 }
}

/** Sums the run plans. */
export function summarizePlan(runs: RunPlan[], listingRequests: number): ExportPlan {
  const totals = {
    runs: runs.length,
    toExport: runs.filter((r) => r.action !== 'skip').length,
    unchanged: runs.filter((r) => r.action === 'skip').length,
    rows: 0,
    bytes: 0,
    requests: listingRequests,
    listingRequests,
  }
  for (const r of runs) {
    totals.rows += r.rows
    totals.bytes += r.bytes
    totals.requests += r.requests
  }
  return { runs, totals }
}
