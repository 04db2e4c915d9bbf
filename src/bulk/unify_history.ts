/**
 * The end of an export: every history part gets the dataset's final schema. Parts written with
 * the schema computed at the start already have it; parts written with inferred columns (rows
 * that `historyKeys` did not describe) widen it; and when it grew (a new run or key on an
 * incremental rerun), every part written with an older schema is rewritten from its own file,
 * one row group at a time, with the missing columns null and widened columns converted. Each
 * rewrite is atomic and then journaled, so a crash in between only means the next export
 * rewrites the same part again (to the same bytes). CSV parts are rewritten record by record with
 * their cells kept (`csv_part.ts`).
 *
 * @module
 */
import { join } from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { spoolDecompressors } from '../export/parquet_codec.ts'
import type { ExportFormat } from '../export/mod.ts'
import type { Row } from '../row.ts'
import { csvPartColumns, rewriteCsvPart } from './csv_part.ts'
import {
  addColumn,
  addSchema,
  kindsOf,
  parquetPartSchema,
  schemaId,
  schemaOf,
} from './dataset_schema.ts'
import type { ExportState } from './export_state.ts'
import type { HistorySchema } from './history_schema.ts'
import type { PartRecord, RunEntry } from './manifest.ts'
import { TableWriter } from './table_writer.ts'

/** Options of {@linkcode unifyHistory}. */
export interface UnifyOptions {
  /** The export folder. */
  dir: string
  /** Table format (Parquet and CSV parts are rewritten; NDJSON parts have no schema). */
  format: ExportFormat
  /** Parquet codec of the rewritten parts. */
  codec?: string
  /** Cancels the rewrite between parts. */
  signal: AbortSignal
  /** Called with the bytes of each rewritten part. */
  onBytes?: (bytes: number) => void
}

/**
 * Grows `target` by the parts not written with it, rewrites every part whose schema differs
 * from the result, records it as the manifest's `historySchema` and returns it.
 */
export async function unifyHistory(
  state: ExportState,
  target: HistorySchema,
  options: UnifyOptions,
): Promise<HistorySchema> {
  if (options.format === 'ndjson') {
    state.setHistorySchema(target)
    return target
  }
  const csv = options.format === 'csv'
  const entries = Object.keys(state.manifest.runs).sort().map((id) => state.manifest.runs[id])
  const kinds = kindsOf(target)
  const targetId = schemaId(target)
  for (const entry of entries) {
    for (const part of entry.history?.parts ?? []) {
      if (part.schema === targetId) continue
      options.signal.throwIfAborted()
      const path = join(options.dir, part.file)
      if (!csv) addSchema(kinds, await parquetPartSchema(path))
      else {
        // A CSV header has no types: a column only such a part has is JSON text (no respelling).
        for (const name of await csvPartColumns(path)) {
          if (!(name in kinds)) addColumn(kinds, name, 'json')
        }
      }
    }
  }
  const final = schemaOf(kinds)
  const finalId = schemaId(final)
  for (const entry of entries) {
    const parts = entry.history?.parts ?? []
    if (parts.every((p) => p.schema === finalId)) continue
    const updated: PartRecord[] = []
    for (const part of parts) {
      options.signal.throwIfAborted()
      if (part.schema === finalId) updated.push(part)
      else {
        const written = csv
          ? await rewriteCsvPart(options.dir, join(options.dir, part.file), final, options.signal)
          : await rewritePart(options.dir, part, final, options)
        options.onBytes?.(written.bytes)
        updated.push({ ...part, bytes: written.bytes, sha256: written.sha256, schema: finalId })
      }
    }
    const next: RunEntry = { ...entry, history: { ...entry.history!, parts: updated } }
    await state.putRun(next)
  }
  state.setHistorySchema(final)
  return final
}

/** Rewrites one Parquet part with `schema`, row group by row group. */
async function rewritePart(
  dir: string,
  part: PartRecord,
  schema: HistorySchema,
  options: UnifyOptions,
): Promise<{ bytes: number; sha256: string }> {
  const path = join(dir, part.file)
  const file = await asyncBufferFromFile(path)
  const metadata = await parquetMetadataAsync(file)
  const table = TableWriter.open(path, {
    root: dir,
    format: 'parquet',
    columns: schema.columns,
    types: schema.types,
    flatten: false,
    codec: options.codec,
    signal: options.signal,
  })
  try {
    let rowStart = 0
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows)
      const rows = await parquetReadObjects({
        file,
        metadata,
        rowStart,
        rowEnd,
        compressors: spoolDecompressors,
      }) as Row[]
      for (const row of rows) {
        for (const key in row) if (typeof row[key] === 'bigint') row[key] = Number(row[key])
      }
      if (rows.length) await table.write(rows)
      rowStart = rowEnd
    }
    return await table.close()
  } catch (err) {
    await table.abort(err)
    throw new Error(
      `Cannot rewrite ${part.file} with the dataset's columns: ${
        (err as Error).message
      }; run the export again`,
    )
  }
}
