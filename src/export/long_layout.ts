/**
 * The long layout: one row per (`_step`, key, value) instead of one row per step, so runs with
 * thousands of sparse keys become a small fixed schema.
 *
 * Each output row is `{_step, key, value, value_json}`:
 * - `_step`: the input row's `_step` when it is a number, else the row's 0-based index in the
 *   stream (rows without `_step`, e.g. from shared-mode runs, are numbered 0, 1, 2, …);
 * - `key`: the (flattened) key name;
 * - `value`: the value when it is a number (NaN and ±Infinity kept), else null;
 * - `value_json`: the JSON text of a non-numeric value (strings, booleans, null, objects, media;
 *   NaN inside objects as the string "NaN"), else null.
 *
 * A `_step` that is not a number is kept as an ordinary key row (`key: '_step'`), so nothing is lost.
 * Key rows follow the input row's key order.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { floatKeysOf, setFloatKeys } from '../row_floats.ts'
import type { ColumnType } from './column_kind.ts'
import { toBatch } from './export_stream.ts'
import { flattenRow } from './flatten.ts'
import { jsonText } from './json_text.ts'

/** Options of {@linkcode toLongLayout}. */
export interface LongLayoutOptions {
  /** Flatten nested objects first, so each leaf is its own key (`a.b`); `_type` objects stay whole. @default true */
  flatten?: boolean
}

/** The long layout's columns, in order. */
export const LONG_LAYOUT_COLUMNS: readonly string[] = ['_step', 'key', 'value', 'value_json']

/** Parquet types of the long layout's columns (`_step` is left to inference: INT64, or DOUBLE for fractional steps). */
export const LONG_LAYOUT_TYPES: Readonly<Record<string, ColumnType>> = {
  key: 'string',
  value: 'double',
  value_json: 'string',
}

const FLOAT_VALUE: readonly string[] = ['value']

/** Creates a stream that turns wide rows (or batches) into batches of long rows. */
export function toLongLayout(options: LongLayoutOptions = {}): TransformStream<Row | Row[], Row[]> {
  const flatten = options.flatten ?? true
  let index = 0
  return new TransformStream<Row | Row[], Row[]>({
    transform(chunk, controller) {
      const rows = toBatch(chunk)
      const out: Row[] = []
      for (let i = 0; i < rows.length; i++, index++) {
        const row = flatten ? flattenRow(rows[i]) : rows[i]
        const rawStep = Object.hasOwn(row, '_step') ? row._step : undefined
        const numericStep = typeof rawStep === 'number'
        const step = numericStep ? rawStep : index
        const floats = floatKeysOf(row)
        for (const key in row) {
          if (numericStep && key === '_step') continue
          const value = row[key]
          if (value === undefined) continue
          if (typeof value === 'number') {
            const long: Row = { _step: step, key, value, value_json: null }
            if (floats !== undefined && floats.includes(key)) setFloatKeys(long, FLOAT_VALUE)
            out.push(long)
          } else out.push({ _step: step, key, value: null, value_json: jsonText(value, 'string') })
        }
      }
      if (out.length) controller.enqueue(out)
    },
  })
}
