/**
 * JSON text as the W&B server stores and returns history lines, summaries and configs: bare
 * `NaN`, `Infinity` and `-Infinity` tokens, and `-0` kept as logged.
 *
 * @module
 */

import type { Row } from '../../src/row.ts'
import { floatKeysOf, floatText } from '../../src/row_floats.ts'

const MARK = '\u0000wbx:'

/**
 * Serializes a value to JSON text, writing non-finite numbers as bare tokens and -0 as `-0`; a
 * row's float-marked top-level keys (`src/row_floats.ts`) keep their float spelling (`1.0`), as
 * the server keeps the text a Python client sent.
 */
export function jsonText(value: unknown): string {
  let marked = false
  const floats = value && typeof value === 'object' ? floatKeysOf(value as Row) : undefined
  const text = JSON.stringify(value, function (this: unknown, key, v) {
    if (
      floats && this === value && typeof v === 'number' && Number.isFinite(v) &&
      floats.includes(key)
    ) {
      marked = true
      return MARK + floatText(v)
    }
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) {
      marked = true
      return MARK + (Object.is(v, -0) ? '-0' : String(v))
    }
    return typeof v === 'bigint' ? Number(v) : v
  })
  return marked ? text.replace(/"\\u0000wbx:(NaN|-?Infinity|-?[0-9.e+]+)"/g, '$1') : text
}
