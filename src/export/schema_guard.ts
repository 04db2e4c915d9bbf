/**
 * Checking rows against a schema declared before the first row (from `historyKeys`): a key
 * outside its columns, or a value its type cannot hold, is a {@linkcode SchemaDriftError}
 * rather than a dropped key or a failed write, so the caller can start again with inferred
 * columns and lose nothing.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { type ColumnType, kindOf, widenKind } from './column_kind.ts'
import { flattenRow } from './flatten.ts'

/** Rows that do not fit a declared schema (a key it lacks, or a value of another type). */
export class SchemaDriftError extends Error {
  /** The column concerned. */
  readonly column: string

  /** Creates the error for a column and what did not fit. */
  constructor(column: string, detail: string) {
    super(`column "${column}" ${detail}, unlike the declared columns (historyKeys)`)
    this.name = 'SchemaDriftError'
    this.column = column
  }
}

/**
 * Flattens a batch (when `flatten`) and checks it against the columns' types; throws
 * {@linkcode SchemaDriftError} for a key outside them or a value its type cannot hold.
 */
export function fitRows(rows: Row[], types: Record<string, ColumnType>, flatten = true): Row[] {
  const out = flatten ? new Array<Row>(rows.length) : rows
  for (let i = 0; i < rows.length; i++) {
    const row = flatten ? flattenRow(rows[i]) : rows[i]
    for (const key in row) {
      const declared = types[key]
      if (declared === undefined) throw new SchemaDriftError(key, 'is not declared')
      const value = row[key]
      if (declared === 'json' || value === null || value === undefined) continue
      // The common cell, a number in a DOUBLE column, fits without working out its kind.
      if (declared === 'double' && typeof value === 'number') continue
      const kind = kindOf(value)
      if (widenKind(declared, kind) !== declared) {
        throw new SchemaDriftError(key, `holds a ${kind} value where ${declared} was declared`)
      }
    }
    out[i] = row
  }
  return out
}

/** A stream that passes batches on after {@linkcode fitRows}, erroring on the first drift. */
export function schemaGuard(
  types: Record<string, ColumnType>,
  flatten = true,
): TransformStream<Row | Row[], Row[]> {
  return new TransformStream<Row | Row[], Row[]>({
    transform(chunk, controller) {
      controller.enqueue(fitRows(Array.isArray(chunk) ? chunk : [chunk], types, flatten))
    },
  })
}
