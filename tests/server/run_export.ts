/**
 * A run's Parquet export as the files origin serves it: built on first use, cached until the
 * run's export settings or row count change, and the matching `liveData` tail.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { lookupKey } from './history_table.ts'
import { jsonSafe } from './history_queries.ts'
import { buildParquetExport } from './parquet_export.ts'
import type { RunExportState, RunRecord } from './records.ts'
import type { ServerStore } from './store.ts'
import { encodePath, makeStoredFile } from './stored_file.ts'

/** Builds (or reuses) a run's export and registers its files on the files origin. */
export function ensureRunExport(store: ServerStore, run: RunRecord): RunExportState {
  const signature = JSON.stringify([run.exportSettings, run.history.rowCount, run.seq])
  if (run.exportCache?.signature === signature) return run.exportCache
  for (const path of run.exportCache?.paths ?? []) store.objects.delete(path)
  const built = buildParquetExport(run.history, run.exportSettings)
  const generation = createHash('sha256').update(signature).digest('hex').slice(0, 12)
  const base = `/wandb-history/${
    encodePath(run.project.entity, run.project.name, run.name)
  }/${generation}`
  const paths = built.files.map((bytes, i) => {
    const path = `${base}/part-${String(i).padStart(5, '0')}.parquet`
    store.objects.set(
      path,
      makeStoredFile(`part-${i}.parquet`, bytes, { updatedAt: run.heartbeatAt, storagePath: path }),
    )
    return path
  })
  run.exportCache = {
    signature,
    paths,
    exportedRows: run.exportSettings.parquetExport ? built.exportedRows : run.history.rowCount,
  }
  return run.exportCache
}

/** The not-yet-exported rows, reduced to the requested live keys (missing keys left out). */
export function liveDataOf(
  run: RunRecord,
  state: RunExportState,
  liveKeys: string[],
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = []
  for (let i = state.exportedRows; i < run.history.rowCount; i++) {
    const row = run.history.rowAt(i)
    const item: Record<string, unknown> = {}
    for (const key of liveKeys) {
      const value = key === '_step' ? run.history.stepAt(i) : lookupKey(row, key)
      if (value !== undefined) item[key] = jsonSafe(value)
    }
    out.push(item)
  }
  return out
}
