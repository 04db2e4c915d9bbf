/**
 * A run's Parquet export as the files origin serves it: built on first use, cached until the
 * run's export settings or row count change, and the matching `liveData` tail.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { lookupKey } from './history_table.ts'
import { jsonSafe } from './history_queries.ts'
import { buildParquetExport, planColumns } from './parquet_export.ts'
import { layoutPart } from './streamed_export.ts'
import type { RunExportState, RunRecord } from './records.ts'
import type { ServerStore } from './store.ts'
import { encodePath, makeStoredFile } from './stored_file.ts'

/** Builds (or reuses) a run's export and registers its files on the files origin. */
export function ensureRunExport(store: ServerStore, run: RunRecord): RunExportState {
  const signature = JSON.stringify([run.exportSettings, run.history.rowCount, run.seq])
  if (run.exportCache?.signature === signature) return run.exportCache
  for (const path of run.exportCache?.paths ?? []) store.forgetObject(path)
  if (run.exportSettings.streamExport) return streamRunExport(store, run, signature)
  const built = buildParquetExport(run.history, run.exportSettings)
  const base = exportBase(run, signature)
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

/** The bytes of a run's export files in step order (built or laid out on first use). */
export function exportFilesOf(store: ServerStore, run: RunRecord): Uint8Array[] {
  return ensureRunExport(store, run).paths.map((path) => {
    const stored = store.objects.get(path)
    if (stored) return stored.bytes
    const part = store.streamedObjects.get(path)!.part
    const out = new Uint8Array(part.size)
    let at = 0
    for (const chunk of part.read(0, part.size - 1)) {
      out.set(chunk, at)
      at += chunk.byteLength
    }
    return out
  })
}

/** Lays out a run's export files and registers them as streamed objects (no bytes kept). */
function streamRunExport(store: ServerStore, run: RunRecord, signature: string): RunExportState {
  const settings = run.exportSettings
  const exportedRows = settings.parquetExport
    ? Math.max(0, run.history.rowCount - Math.max(0, settings.liveTail))
    : 0
  const columns = planColumns(run.history, exportedRows, settings.parquetStepType)
  const base = exportBase(run, signature)
  const perFile = Math.max(1, settings.parquetFileRows)
  const paths: string[] = []
  for (let start = 0; start < exportedRows; start += perFile) {
    const i = paths.length
    const path = `${base}/part-${String(i).padStart(5, '0')}.parquet`
    const end = Math.min(exportedRows, start + perFile)
    store.streamedObjects.set(path, {
      name: `part-${i}.parquet`,
      mimetype: 'application/vnd.apache.parquet',
      updatedAt: run.heartbeatAt,
      part: layoutPart(
        run.history,
        columns,
        start,
        end,
        settings.parquetRowGroupRows,
        store.rowGroupCache,
        settings.parquetStatistics,
      ),
    })
    paths.push(path)
  }
  run.exportCache = {
    signature,
    paths,
    exportedRows: settings.parquetExport ? exportedRows : run.history.rowCount,
  }
  return run.exportCache
}

/** The files-origin folder of one export generation of a run. */
function exportBase(run: RunRecord, signature: string): string {
  const generation = createHash('sha256').update(signature).digest('hex').slice(0, 12)
  return `/wandb-history/${
    encodePath(run.project.entity, run.project.name, run.name)
  }/${generation}`
}

/**
 * The not-yet-exported rows, reduced to the requested live keys (missing keys left out), or the
 * run's `liveData` override as given.
 */
export function liveDataOf(
  run: RunRecord,
  state: RunExportState,
  liveKeys: string[],
): Record<string, unknown>[] {
  const override = run.exportSettings.liveData
  if (override) return override.map((item) => ({ ...item }))
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
