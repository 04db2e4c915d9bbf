/**
 * JSON text as the W&B server stores and returns history lines, summaries and configs: bare
 * `NaN`, `Infinity` and `-Infinity` tokens, and `-0` kept as logged.
 *
 * @module
 */

const MARK = '\u0000wbx:'

/** Serializes a value to JSON text, writing non-finite numbers as bare tokens and -0 as `-0`. */
export function jsonText(value: unknown): string {
  let marked = false
  const text = JSON.stringify(value, (_key, v) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) {
      marked = true
      return MARK + (Object.is(v, -0) ? '-0' : String(v))
    }
    return typeof v === 'bigint' ? Number(v) : v
  })
  return marked ? text.replace(/"\\u0000wbx:(NaN|-?Infinity|-0)"/g, '$1') : text
}
