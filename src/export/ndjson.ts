/**
 * NDJSON export: one JSON object per line, UTF-8, LF line endings.
 *
 * Numbers a source marked as floats (see `row_floats.ts`) keep their float spelling (`1.0`).
 * NaN and ±Infinity follow the `nan` option (default `string`: `"NaN"`, `"Infinity"`,
 * `"-Infinity"`, which keeps every line valid JSON). Keys keep the row's own order, or the order
 * of `columns` when given (then other keys are dropped and absent keys are left out, not written
 * as null).
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { ColumnType } from './column_kind.ts'
import { type ExportStream, toBatch } from './export_stream.ts'
import { flattenRow } from './flatten.ts'
import { checkNanPolicy, jsonText, type NanPolicy } from './json_text.ts'
import { floatKeysOf, floatText, setFloatKeys } from '../row_floats.ts'

/** Options of {@linkcode toNdjson}. */
export interface NdjsonOptions {
  /** Keys to write, in this order; other keys are dropped. @default every key, in the row's order */
  columns?: string[]
  /** Turn nested objects into dotted keys (`a.b`); `_type` objects and arrays stay JSON values. @default false */
  flatten?: boolean
  /** How NaN and ±Infinity are written, at any depth. @default 'string' */
  nan?: NanPolicy
  /** Declared column types: integral numbers of `double` keys are written as floats (`1.0`). @default none */
  types?: Record<string, ColumnType>
}

/** Creates a stream that encodes rows or row batches as NDJSON bytes. */
export function toNdjson(options: NdjsonOptions = {}): ExportStream {
  const nan = checkNanPolicy(options.nan ?? 'string')
  const flatten = options.flatten ?? false
  const columns = options.columns ? [...options.columns] : undefined
  const encoder = new TextEncoder()
  const types = options.types ?? {}
  const doubles = Object.keys(types).filter((k) => types[k] === 'double')
  return new TransformStream<Row | Row[], Uint8Array>({
    transform(chunk, controller) {
      const rows = toBatch(chunk)
      let text = ''
      for (let i = 0; i < rows.length; i++) {
        let row = rows[i]
        if (flatten) row = flattenRow(row)
        if (columns) row = pick(row, columns)
        const floats = doubles.length ? integralDoubles(row, doubles) : floatKeysOf(row)
        text += (floats === undefined ? jsonText(row, nan) : floatJson(row, floats, nan)) + '\n'
      }
      if (text) controller.enqueue(encoder.encode(text))
    },
  })
}

/** A new row holding only the given keys, in their order, skipping absent ones. */
function pick(row: Row, columns: string[]): Row {
  const out: Row = Object.create(null)
  for (let j = 0; j < columns.length; j++) {
    const name = columns[j]
    const value = row[name]
    if (value !== undefined && (name !== '__proto__' || Object.hasOwn(row, name))) out[name] = value
  }
  setFloatKeys(out, floatKeysOf(row))
  return out
}

/** The row's float keys plus the `double` keys whose values are integral, or undefined when none. */
function integralDoubles(row: Row, doubles: string[]): readonly string[] | undefined {
  let floats = floatKeysOf(row)
  for (let j = 0; j < doubles.length; j++) {
    const name = doubles[j]
    const value = name in row ? row[name] : nestedValue(row, name)
    if (typeof value === 'number' && Number.isInteger(value)) {
      floats = floats ? [...floats, name] : [name]
    }
  }
  return floats
}

/** The value at a dotted column name inside nested objects (`eval.score`), or undefined. */
function nestedValue(row: Row, name: string): unknown {
  if (!name.includes('.')) return undefined
  let node: unknown = row
  for (const part of name.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined
    node = (node as Row)[part]
  }
  return node
}

/**
 * An object's JSON text with the integral values at its float paths (`loss`, `eval.score`)
 * spelled as floats (`1.0`); nested objects on a float path are written the same way.
 */
function floatJson(row: Row, floats: readonly string[], nan: NanPolicy, prefix = ''): string {
  let text = '{'
  for (const key in row) {
    const value = row[key]
    if (value === undefined) continue
    if (text.length > 1) text += ','
    text += JSON.stringify(key) + ':'
    const path = prefix + key
    if (typeof value === 'number') {
      text += Number.isFinite(value) && floats.includes(path)
        ? floatText(value)
        : jsonText(value, nan)
    } else if (
      value !== null && typeof value === 'object' && !Array.isArray(value) &&
      floats.some((f) => f.startsWith(path + '.'))
    ) text += floatJson(value as Row, floats, nan, path + '.')
    else text += jsonText(value, nan)
  }
  return text + '}'
}
