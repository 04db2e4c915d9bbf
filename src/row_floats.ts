/**
 * Which numbers of a row were floats at the source. JSON parsing turns `1.0` into `1`, so a
 * metric logged as `1.0` then `0.5` would be written `1` then `0.5` in CSV and NDJSON and
 * readers that infer types from the first rows (polars) would fail. Sources that see the text
 * (`value_json` in a `.wandb` file, the API's history JSON) mark the keys whose integral values
 * were floats with a symbol-keyed property on the row: invisible to `for…in`, `Object.keys` and
 * `JSON.stringify`, copied by object spread, and absent (one failed lookup) on the usual row.
 * Keys are top-level names, or dotted paths (`eval.score`) for values inside nested objects, as
 * flattening names them.
 *
 * @module
 */
import type { Row } from './row.ts'

/** The symbol under which a row lists its float keys. */
export const FLOAT_KEYS: unique symbol = Symbol.for('wbx.floatKeys') as typeof FLOAT_KEYS

/** A row that may carry float keys. */
type Marked = Row & { [FLOAT_KEYS]?: readonly string[] }

/** The keys whose integral numbers are floats, or undefined (the usual case). */
export function floatKeysOf(row: Row): readonly string[] | undefined {
  return (row as Marked)[FLOAT_KEYS]
}

/** Records the keys whose integral numbers are floats (replacing any earlier list). */
export function setFloatKeys(row: Row, keys: readonly string[] | undefined): void {
  if (keys !== undefined && keys.length > 0) (row as Marked)[FLOAT_KEYS] = keys
}

/** Whether number text is a float's spelling (`1.0`, `1e+16`), not an integer's. */
export function isFloatText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 46 || c === 101 || c === 69) return true // '.', 'e', 'E'
  }
  return false
}

/** A number's text that reads back as a float: `1` → `1.0`, `-0` → `-0.0`; others unchanged. */
export function floatText(value: number): string {
  if (Object.is(value, -0)) return '-0.0'
  const text = '' + value
  return Number.isFinite(value) && !isFloatText(text) ? text + '.0' : text
}
