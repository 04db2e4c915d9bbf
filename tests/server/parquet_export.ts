/**
 * W&B-style Parquet history exports written with hyparquet-writer: one or more partition files,
 * each sorted by `_step`, one column per flattened history key (`_step` as INT64, numbers as
 * DOUBLE, booleans as BOOLEAN, everything else as STRING holding text or JSON), `null` where a
 * row did not log the key. The last `liveTail` steps stay unexported. `_step` as DOUBLE and
 * files without column statistics reproduce exports some servers wrote.
 *
 * @module
 */
import { parquetWriteBuffer } from 'hyparquet-writer'
import type { ColumnSource } from 'hyparquet-writer'
import { jsonText } from './json_text.ts'
import { flattenRow, type HistoryTable } from './history_table.ts'
import type { ExportSettings } from './run_seed.ts'

/** The Parquet type of one export column. */
export type ExportColumnType = 'INT64' | 'DOUBLE' | 'BOOLEAN' | 'STRING'

/** One export column. */
export interface ExportColumn {
  name: string
  type: ExportColumnType
}

/** The result of exporting a run's history. */
export interface ParquetExport {
  /** The file contents, in step order. */
  files: Uint8Array[]
  /** How many leading rows the files hold; rows from this index on are live. */
  exportedRows: number
  /** The columns every file shares. */
  columns: ExportColumn[]
}

/** Export settings with the layout ones given (step type and statistics keep their defaults). */
export type ExportShape =
  & ExportSettings
  & Required<
    Pick<ExportSettings, 'parquetExport' | 'liveTail' | 'parquetFileRows' | 'parquetRowGroupRows'>
  >

/** Plans the columns for rows [0, end): `_step` first, then keys in first-seen order. */
export function planColumns(
  table: HistoryTable,
  end: number,
  stepType: 'INT64' | 'DOUBLE' = 'INT64',
): ExportColumn[] {
  const kinds = new Map<string, Set<string>>([['_step', new Set(['int'])]])
  for (let i = 0; i < end; i++) {
    for (const [key, value] of Object.entries(flattenRow(table.rowAt(i)))) {
      if (key === '_step') continue
      let set = kinds.get(key)
      if (!set) kinds.set(key, set = new Set())
      if (value !== null && value !== undefined) set.add(typeof value)
    }
  }
  return [...kinds].map(([name, set]) => ({
    name,
    type: name === '_step'
      ? stepType
      : set.size === 1 && set.has('number')
      ? 'DOUBLE'
      : set.size === 1 && set.has('boolean')
      ? 'BOOLEAN'
      : 'STRING',
  }))
}

/** Writes the exported part of a history table as Parquet partition files. */
export function buildParquetExport(
  table: HistoryTable,
  settings: ExportShape,
): ParquetExport {
  if (!settings.parquetExport) return { files: [], exportedRows: 0, columns: [] }
  const exportedRows = Math.max(0, table.rowCount - Math.max(0, settings.liveTail))
  const columns = planColumns(table, exportedRows, settings.parquetStepType)
  const files: Uint8Array[] = []
  const perFile = Math.max(1, settings.parquetFileRows)
  for (let start = 0; start < exportedRows; start += perFile) {
    const end = Math.min(exportedRows, start + perFile)
    const statistics = settings.parquetStatistics ?? true
    files.push(writePart(table, columns, start, end, settings.parquetRowGroupRows, statistics))
  }
  return { files, exportedRows, columns }
}

/** Writes rows [start, end) as one Parquet file. */
function writePart(
  table: HistoryTable,
  columns: ExportColumn[],
  start: number,
  end: number,
  rowGroupRows: number,
  statistics: boolean,
): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: columnSources(table, columns, start, end),
    rowGroupSize: Math.max(1, rowGroupRows),
    createdBy: EXPORT_CREATED_BY,
    statistics,
  })
  return new Uint8Array(buffer)
}

/** The `created_by` every export file carries. */
export const EXPORT_CREATED_BY = 'wbx test server (W&B export layout)'

/** The column data of rows [start, end), one source per export column. */
export function columnSources(
  table: HistoryTable,
  columns: ExportColumn[],
  start: number,
  end: number,
): ColumnSource[] {
  const data = columns.map(() => new Array<unknown>(end - start).fill(null))
  const index = new Map(columns.map((c, i) => [c.name, i]))
  const stepDouble = columns[0]?.type === 'DOUBLE'
  for (let r = start; r < end; r++) {
    const flat = flattenRow(table.rowAt(r))
    data[0][r - start] = stepDouble ? table.stepAt(r) : BigInt(table.stepAt(r))
    for (const [key, value] of Object.entries(flat)) {
      const c = index.get(key)
      if (c === undefined || c === 0 || value === null || value === undefined) continue
      data[c][r - start] = cell(columns[c].type, value)
    }
  }
  return columns.map((c, i) => ({
    name: c.name,
    type: c.type,
    nullable: true,
    data: data[i] as ColumnSource['data'],
  }))
}

/** Converts a value for its column: STRING columns hold text, or JSON for non-strings. */
function cell(type: ExportColumnType, value: unknown): unknown {
  if (type !== 'STRING') return value
  return typeof value === 'string' ? value : jsonText(value)
}
