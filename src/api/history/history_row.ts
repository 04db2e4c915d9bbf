/**
 * One shape for history rows from both sources: as logged (nested objects nested), JSON-like
 * values, no nulls, an integer `_step`.
 *
 * Parquet exports hold a value for every column at every step (null where nothing was logged),
 * name columns by flattened key and store objects as JSON text; the GraphQL `history` field holds
 * only what was logged, nested. Dropping nulls from both and nesting the export's columns again
 * makes rows from either source identical, and equal to what the run logged.
 *
 * @module
 */
import { parseJson } from '../../json/parse_json.ts'
import { defineKey } from '../../json/json_edit.ts'
import type { Row } from '../../row.ts'

/** Reads a row's step as an integer, or `undefined` when it has no numeric `_step`. */
export function stepOf(row: Row): number | undefined {
  const step = row._step
  if (typeof step === 'number' && Number.isFinite(step)) return step
  return undefined
}

/** Encodes bytes as base64, as wandb-core renders binary Parquet values. */
function base64(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(text)
}

/** Converts one decoded Parquet value to a JSON-like value (bigint → number, Date → epoch seconds, bytes → base64). */
export function jsonValue(value: unknown): unknown {
  if (value === undefined || value === null) return null
  if (typeof value === 'bigint') return Number(value)
  if (typeof value !== 'object') return value
  if (value instanceof Date) return value.getTime() / 1000
  if (value instanceof Uint8Array) return base64(value)
  if (Array.isArray(value)) return value.map(jsonValue)
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, jsonValue)
  const out: Row = {}
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) defineKey(out, k, jsonValue(v))
  }
  return out
}

/**
 * Splits an export column name into a key path: exports name columns by flattened key
 * (`a.b` for `{a: {b}}`); a dot preceded by a backslash belongs to the key itself.
 */
export function columnPath(name: string): string[] {
  if (!name.includes('.')) return [name]
  const parts = name.split(/(?<!\\)\./)
  return parts.map((part) => part.replaceAll('\\.', '.'))
}

/** Decodes text a STRING export column holds for an object or list value (JSON text); other text stays. */
function decodeText(text: string): unknown {
  const first = text.charCodeAt(0)
  if (first !== 123 && first !== 91) return text // not '{' or '['
  try {
    const value = parseJson(text)
    return value !== null && typeof value === 'object' ? value : text
  } catch {
    return text
  }
}

/** Puts `value` at `path` inside `row`, creating objects; false when a non-object is in the way. */
function setPath(row: Row, path: string[], value: unknown): boolean {
  let node = row
  for (let i = 0; i < path.length - 1; i++) {
    const next = Object.hasOwn(node, path[i]) ? node[path[i]] : undefined
    if (next === undefined) {
      const child: Row = {}
      defineKey(node, path[i], child)
      node = child
    } else if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
      node = next as Row
    } else return false
  }
  defineKey(node, path[path.length - 1], value)
  return true
}

/** Key paths of the column names seen lately (every row repeats them). */
const pathCache = new Map<string, string[]>()

/** The key path of an export column name, from a bounded cache. */
function pathOf(name: string): string[] {
  let path = pathCache.get(name)
  if (!path) {
    if (pathCache.size >= 10_000) pathCache.clear()
    pathCache.set(name, path = columnPath(name))
  }
  return path
}

/** Converts one non-null export cell: numbers as they are, JSON text decoded, the rest JSON-like. */
function cellValue(raw: unknown): unknown {
  return typeof raw === 'number' ? raw : typeof raw === 'string' ? decodeText(raw) : jsonValue(raw)
}

/** Puts a cell under its column's key path, or under the column name when a value is in the way. */
function putCell(row: Row, name: string, path: string[], value: unknown): void {
  if (path.length === 1) defineKey(row, path[0], value)
  else if (!setPath(row, path, value)) defineKey(row, name, value)
}

/**
 * Builds a row as logged from a Parquet export row: nulls dropped, flattened column names
 * nested again, JSON text of objects and lists decoded, bigint/Date/bytes made JSON-like, and
 * `_step` an integer. `undefined` when the row has no numeric `_step`.
 */
export function rowFromParquet(source: Record<string, unknown>): Row | undefined {
  const row: Row = {}
  for (const name in source) {
    const raw = source[name]
    if (raw !== null && raw !== undefined) putCell(row, name, pathOf(name), cellValue(raw))
  }
  return withIntegerStep(row)
}

/**
 * Builds rows as {@linkcode rowFromParquet} does, straight from decoded columns: `columns[c][r]`
 * is the cell of column `names[c]` in row `r`, for rows `start` to `start + length`. Rows without a numeric
 * `_step` are left out. Going column arrays to rows once, with each column's key path looked up
 * once, avoids building an intermediate object per row.
 */
export function rowsFromColumns(
  names: readonly string[],
  columns: readonly ArrayLike<unknown>[],
  length: number,
  start = 0,
): Row[] {
  if (columns.length !== names.length) {
    throw new RangeError(
      `Cannot build history rows: ${names.length} column names but ${columns.length} columns`,
    )
  }
  const paths = names.map(pathOf)
  // A plain top-level key can be set with one store; others go through putCell.
  const plain = paths.map((p) => p.length === 1 && p[0] !== '__proto__')
  const keys = paths.map((p) => p[0])
  const rows: Row[] = []
  for (let r = start; r < start + length; r++) {
    const row: Row = {}
    for (let c = 0; c < columns.length; c++) {
      const raw = columns[c][r]
      if (raw === null || raw === undefined) continue
      const value = typeof raw === 'number' ? raw : cellValue(raw)
      if (plain[c]) row[keys[c]] = value
      else putCell(row, names[c], paths[c], value)
    }
    const checked = withIntegerStep(row)
    if (checked) rows.push(checked)
  }
  return rows
}

/** Makes a parsed GraphQL row sparse (nulls dropped) with an integer `_step`, or `undefined` without one. */
export function rowFromLive(source: Row): Row | undefined {
  const row: Row = {}
  for (const key in source) {
    const value = source[key]
    if (value !== null && value !== undefined) defineKey(row, key, value)
  }
  return withIntegerStep(row)
}

/** Truncates `_step` to an integer as wandb-core does; rows without a numeric step are rejected. */
function withIntegerStep(row: Row): Row | undefined {
  const step = stepOf(row)
  if (step === undefined) return undefined
  if (!Number.isInteger(step)) row._step = Math.trunc(step)
  return row
}

/** Sorts rows by `_step` in place (stable), skipping the work when they are already in order. */
export function sortByStep(rows: Row[]): Row[] {
  for (let i = 1; i < rows.length; i++) {
    if ((rows[i]._step as number) < (rows[i - 1]._step as number)) {
      return rows.sort((a, b) => (a._step as number) - (b._step as number))
    }
  }
  return rows
}
