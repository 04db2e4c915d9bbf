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
import { type ColumnType, kindOf, widenKind } from '../export/column_kind.ts'
import type { HistorySlice } from '../api/history/history_slice.ts'
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

/**
 * Whether a slice of export columns can be written as columns with the same result as its rows
 * through {@linkcode fitRows}: every column declared, named so that nesting and flattening give
 * the name back (no backslash, no `__proto__` or inner `_type` segment, no column whose name is
 * another's dotted prefix), and every cell a number, bigint, boolean or string (not JSON text of
 * an object or list) its declared type holds. When false, the caller writes the slice's rows,
 * and `fitRows` says what drifted.
 */
export function sliceFits(slice: HistorySlice, schema: HistorySchema): boolean {
  const { names, data, start, length } = slice
  const types = schema.types
  for (let c = 0; c < names.length; c++) {
    const name = names[c]
    const declared = Object.hasOwn(types, name) ? types[name] : undefined
    if (declared === undefined || !flatName(name, names)) return false
    if (name === '_step') continue // integers, strictly increasing: the slice's own rule
    const cells = data[c]
    if (declared === 'double' && cells instanceof Float64Array) continue // numbers only
    for (let i = start; i < start + length; i++) {
      const raw = cells[i]
      if (raw === null || raw === undefined) continue
      let value: unknown = raw
      switch (typeof raw) {
        case 'number':
          if (declared === 'double') continue
          break
        case 'bigint':
          value = Number(raw)
          break
        case 'boolean':
          break
        case 'string': {
          const first = raw.charCodeAt(0)
          if (first === 123 || first === 91) return false // '{' or '[': JSON text, decoded as rows
          break
        }
        default:
          return false
      }
      if (declared !== 'json' && widenKind(declared, kindOf(value)) !== declared) return false
    }
  }
  return true
}

/** Whether nesting `name` by its dots and flattening it again gives `name` (see `sliceFits`). */
function flatName(name: string, names: readonly string[]): boolean {
  if (name.includes('\\')) return false
  if (!name.includes('.')) return name !== '__proto__'
  const parts = name.split('.')
  if (parts.some((part, i) => part === '__proto__' || (i > 0 && part === '_type'))) return false
  for (let i = 1; i < parts.length; i++) {
    if (names.includes(parts.slice(0, i).join('.'))) return false
  }
  return true
}
