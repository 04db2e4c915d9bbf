/**
 * Column types of a run's history known before its first row: from W&B's `historyKeys` type
 * counts (remote runs), or from the same tally a local run's metadata pass builds, which also
 * knows which number keys held only integers. With them, Parquet streams instead of spooling and
 * CSV/NDJSON write every value of a float column as a float (`1.0`), so readers that infer a
 * column's type from its first rows (polars) see a float column from the start.
 *
 * | `historyKeys` types of a key | column |
 * |---|---|
 * | only `number` (and `nil`) | `double`, or `int` when the source knows it held only integers |
 * | only `string` | `string` |
 * | only `bool`/`boolean` | `bool` |
 * | media `_type`, `list`, `map`, or any mix | `json` |
 * | only `nil` | `double` (all null) |
 *
 * @module
 */
import type { ColumnKind, ColumnType } from './column_kind.ts'

/** W&B's per-key type counts (`historyKeys.keys`). */
export type HistoryKeyTypes = Record<string, { typeCounts?: { type: string; count: number }[] }>

/** Columns in order (`_step` first) and their declared types. */
export interface ColumnSchema {
  /** Column names, `_step` first. */
  columns: string[]
  /** Declared type of every column. */
  types: Record<string, ColumnType>
}

/** The kind for W&B's type counts of one key (`null` when it was only ever nil). */
export function kindFromCounts(counts: { type: string; count: number }[] | undefined): ColumnKind {
  const types = new Set((counts ?? []).map((c) => c.type).filter((t) => t !== 'nil'))
  if (types.size === 0) return 'null'
  if (types.size > 1) return 'json'
  const [only] = types
  if (only === 'number') return 'double'
  if (only === 'string') return 'string'
  if (only === 'bool' || only === 'boolean') return 'bool'
  return 'json'
}

/**
 * The schema of a run's history from its `historyKeys` (the API value `{keys}` or its `keys`),
 * keys in the order given; with `doubles` (a local run's `historyDoubles`), number keys outside
 * it are `int`. Undefined when `historyKeys` holds no keys.
 */
export function historyColumnSchema(
  historyKeys: unknown,
  doubles?: ReadonlySet<string>,
): ColumnSchema | undefined {
  const holder = historyKeys as { keys?: unknown } | null | undefined
  const keys = (holder && typeof holder === 'object' && 'keys' in holder ? holder.keys : holder) as
    | HistoryKeyTypes
    | null
    | undefined
  if (!keys || typeof keys !== 'object' || Object.keys(keys).length === 0) return undefined
  const columns = ['_step']
  const types: Record<string, ColumnType> = { _step: 'int' }
  for (const key of Object.keys(keys)) {
    if (key === '_step') continue
    const kind = kindFromCounts(keys[key]?.typeCounts)
    columns.push(key)
    types[key] = kind === 'null'
      ? 'double'
      : kind === 'double' && doubles && !doubles.has(key)
      ? 'int'
      : kind
  }
  return { columns, types }
}
