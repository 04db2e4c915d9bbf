/**
 * The runs table: one row per selected run, ordered by creation time then id, with the run's
 * identity and watermarks, then (with config and summary included) its config and summary
 * flattened into `config.*` and `summary.*` columns (Parquet also keeps each whole, as JSON).
 *
 * @module
 */
import { join } from 'node:path'
import type { ExportFormat } from '../export/mod.ts'
import type { Row } from '../row.ts'
import type { BulkRun } from './bulk_source.ts'
import type { FileRecord } from './manifest.ts'
import { timeMs } from './since.ts'
import { writeFileAtomic } from './atomic_file.ts'
import { runsTableParquet } from './runs_parquet.ts'
import { writeTable } from './table_writer.ts'
import { oneBatch } from '../streams/one_batch.ts'
import { RUN_TABLE_COLUMNS, snakeRow } from '../source/rows.ts'

/** The leading columns of the runs table, before `config.*` and `summary.*` (`wbx runs`'s first). */
export const RUNS_TABLE_COLUMNS: readonly string[] = RUN_TABLE_COLUMNS

/** A run's row (`tags` a list: LIST<STRING> in Parquet, JSON text in CSV). */
export function runsTableRow(run: BulkRun, configSummary: boolean): Row {
  const row = snakeRow(RUN_TABLE_COLUMNS, { ...run, runId: run.id, tags: [...run.tags] })
  if (configSummary) {
    row.config = run.config
    row.summary = run.summary
  }
  return row
}

/** Sorts rows by `created_at` (missing last), then `run_id`, by code point. */
export function sortRunsRows(rows: Row[]): Row[] {
  const key = (r: Row) => {
    const t = timeMs(r.created_at as string | null)
    return Number.isFinite(t) ? t : Infinity
  }
  return [...rows].sort((a, b) => {
    const d = key(a) - key(b)
    if (d !== 0 && !Number.isNaN(d)) return d
    const x = String(a.run_id)
    const y = String(b.run_id)
    return x < y ? -1 : x > y ? 1 : 0
  })
}

/**
 * Writes the runs table to `dir/name` and returns its file record: Parquet with logical types
 * (`runs_parquet.ts`), CSV and NDJSON through the exporters.
 */
export async function writeRunsTable(
  dir: string,
  name: string,
  rows: Row[],
  options: {
    format: ExportFormat
    codec?: string
    configSummary?: boolean
    /** Rows of other shards' runs: their config/summary columns are columns here too (null). */
    columnsFrom?: Row[]
    signal?: AbortSignal
  },
): Promise<FileRecord> {
  const sorted = sortRunsRows(rows)
  if (options.format === 'parquet') {
    const bytes = await runsTableParquet(sorted, {
      codec: options.codec,
      configSummary: options.configSummary ?? true,
      columnsFrom: options.columnsFrom,
    })
    const written = await writeFileAtomic(
      dir,
      join(dir, name),
      oneBatch(bytes),
      options.signal,
    )
    return { file: name, bytes: written.bytes, sha256: written.sha256 }
  }
  const written = await writeTable(join(dir, name), oneBatch(sorted), {
    root: dir,
    format: options.format,
    codec: options.codec,
    types: {
      run_id: 'string',
      name: 'string',
      state: 'string',
      tags: 'json',
      group: 'string',
      job_type: 'string',
      created_at: 'string',
      updated_at: 'string',
      history_line_count: 'int',
      last_history_step: 'int',
    },
    flatten: true,
    signal: options.signal,
  })
  return { file: name, bytes: written.bytes, sha256: written.sha256 }
}
