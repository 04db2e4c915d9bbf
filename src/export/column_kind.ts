/**
 * The value kinds the exporters track per column, and the widening rule applied when a column's
 * values disagree.
 *
 * Lattice: `null` (nothing seen yet) is below everything; `int` widens to `double`; any other
 * mix (number + string, bool + number, string + object, …) widens to `json`, which holds the JSON
 * text of each value, so nothing is lost:
 *
 * ```
 * null ⊑ int ⊑ double ⊑ json
 * null ⊑ bool ⊑ json
 * null ⊑ string ⊑ json
 * ```
 *
 * @module
 */

/** A column type a caller can declare: int (INT64), double, bool, string or json (JSON text). */
export type ColumnType = 'int' | 'double' | 'bool' | 'string' | 'json'

/** A column's inferred kind: a ColumnType, or `null` while only nulls have been seen. */
export type ColumnKind = ColumnType | 'null'

const COLUMN_TYPES: readonly string[] = ['int', 'double', 'bool', 'string', 'json']

/** Checks a declared column type, throwing a RangeError that names the column. */
export function checkColumnType(name: string, type: unknown): ColumnType {
  if (typeof type === 'string' && COLUMN_TYPES.includes(type)) return type as ColumnType
  throw new RangeError(
    `Cannot declare column "${name}" as ${
      JSON.stringify(type)
    }: use int, double, bool, string or json`,
  )
}

/** Whether a number is stored as an int: a safe integer that is not -0. */
export function isIntNumber(value: number): boolean {
  return Number.isSafeInteger(value) && (value !== 0 || 1 / value > 0)
}

/** The kind of one value; null and undefined are `null`. */
export function kindOf(value: unknown): ColumnKind {
  switch (typeof value) {
    case 'number':
      return isIntNumber(value) ? 'int' : 'double'
    case 'bigint':
      return value >= -9007199254740991n && value <= 9007199254740991n ? 'int' : 'json'
    case 'boolean':
      return 'bool'
    case 'string':
      return 'string'
    case 'undefined':
      return 'null'
    case 'object':
      return value === null ? 'null' : 'json'
    default:
      return 'json'
  }
}

/** The least kind that holds both kinds' values without loss. */
export function widenKind(a: ColumnKind, b: ColumnKind): ColumnKind {
  if (a === b || b === 'null') return a
  if (a === 'null') return b
  if ((a === 'int' && b === 'double') || (a === 'double' && b === 'int')) return 'double'
  return 'json'
}
