/**
 * NDJSON export: one JSON object per line, UTF-8, LF line endings.
 *
 * NaN and ±Infinity follow the `nan` option (default `string`: `"NaN"`, `"Infinity"`,
 * `"-Infinity"`, which keeps every line valid JSON). Keys keep the row's own order, or the order
 * of `columns` when given (then other keys are dropped and absent keys are left out, not written
 * as null).
 *
 * @module
 */
import type { Row } from '../row.ts'
import { type ExportStream, toBatch } from './export_stream.ts'
import { flattenRow } from './flatten.ts'
import { checkNanPolicy, jsonText, type NanPolicy } from './json_text.ts'

/** Options of {@linkcode toNdjson}. */
export interface NdjsonOptions {
  /** Keys to write, in this order; other keys are dropped. @default every key, in the row's order */
  columns?: string[]
  /** Turn nested objects into dotted keys (`a.b`); `_type` objects and arrays stay JSON values. @default false */
  flatten?: boolean
  /** How NaN and ±Infinity are written, at any depth. @default 'string' */
  nan?: NanPolicy
}

/** Creates a stream that encodes rows or row batches as NDJSON bytes. */
export function toNdjson(options: NdjsonOptions = {}): ExportStream {
  const nan = checkNanPolicy(options.nan ?? 'string')
  const flatten = options.flatten ?? false
  const columns = options.columns ? [...options.columns] : undefined
  const encoder = new TextEncoder()
  return new TransformStream<Row | Row[], Uint8Array>({
    transform(chunk, controller) {
      const rows = toBatch(chunk)
      let text = ''
      for (let i = 0; i < rows.length; i++) {
        let row = rows[i]
        if (flatten) row = flattenRow(row)
        if (columns) row = pick(row, columns)
        text += jsonText(row, nan) + '\n'
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
  return out
}
