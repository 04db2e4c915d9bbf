/**
 * The columns and types of a run's history files, fixed before any row is read: `_step` (INT64),
 * then every key of the run's `historyKeys` in code-point order, typed from W&B's type counts
 * (numbers → DOUBLE, strings → STRING, booleans → BOOLEAN, anything else or a mix → JSON text).
 * Every part of a run, and every run logging the same keys, then has the same schema, so engines
 * read the whole `history/` folder with no schema options; and the Parquet exporter streams row
 * groups straight to disk instead of spooling.
 *
 * `historyKeys` can lag the rows (a live run) or name keys differently; rows are checked against
 * the schema, and a part whose rows do not fit is written again with inferred columns.
 *
 * @module
 */
import type { ColumnType } from '../export/column_kind.ts'
import { fitRows as fitTypes, SchemaDriftError } from '../export/schema_guard.ts'
import type { Row } from '../row.ts'
import type { HistoryKeyTypes } from './bulk_source.ts'
import { type ColumnSchema, kindFromCounts } from '../export/history_types.ts'

export { SchemaDriftError }

/** Fixed columns and their declared types. */
export type HistorySchema = ColumnSchema

/** The declared type for W&B's type counts of one key (a key only ever nil: double). */
export function typeFromCounts(counts: { type: string; count: number }[] | undefined): ColumnType {
  const kind = kindFromCounts(counts)
  return kind === 'null' ? 'double' : kind
}

/** Compares strings by code point (locale-independent, so every machine orders alike). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * The schema of a run's history from its `historyKeys`; with `selected` keys, only those (a
 * nested key such as `eval` brings its leaves `eval.*`).
 */
export function historySchema(keys: HistoryKeyTypes, selected?: string[]): HistorySchema {
  const known = Object.keys(keys).filter((k) => k !== '_step').sort(byCodePoint)
  let names: string[] = known
  if (selected) {
    names = []
    for (const key of selected) {
      if (key === '_step') continue
      if (key in keys) names.push(key)
      else {
        const leaves = known.filter((k) => k.startsWith(key + '.'))
        names.push(...(leaves.length ? leaves : [key]))
      }
    }
    names = [...new Set(names)]
  }
  const types: Record<string, ColumnType> = { _step: 'int' }
  for (const name of names) types[name] = typeFromCounts(keys[name]?.typeCounts)
  return { columns: ['_step', ...names], types }
}

/**
 * Flattens a batch and checks it against the schema; throws {@linkcode SchemaDriftError} for a
 * key outside the columns or a value the declared type cannot hold.
 */
export function fitRows(rows: Row[], schema: HistorySchema): Row[] {
  return fitTypes(rows, schema.types)
}
