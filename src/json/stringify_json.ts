/**
 * JSON text for values that may hold NaN or ±Infinity, with an explicit policy for them.
 *
 * @module
 */

/** How NaN and ±Infinity are written: as the strings "NaN"/"Infinity"/"-Infinity", as null, or as bare tokens (not valid JSON). */
export type NanPolicy = 'string' | 'null' | 'literal'

/** Options for {@linkcode stringifyJson}. */
export interface StringifyJsonOptions {
  /** How NaN/±Infinity are written; @default 'string' */
  nan?: NanPolicy
  /** Indentation, as for JSON.stringify; @default undefined (compact) */
  indent?: number
}

const NAN_MARK = '\u0000wbx-nonfinite:'

/** Serializes a value to JSON text, writing non-finite numbers by the given policy. */
export function stringifyJson(value: unknown, options: StringifyJsonOptions = {}): string {
  const nan = options.nan ?? 'string'
  let sawNonFinite = false
  const text = JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) {
        if (nan === 'null') return null
        sawNonFinite = true
        return nan === 'string' ? String(v) : NAN_MARK + String(v)
      }
      if (typeof v === 'bigint') return Number(v)
      return v
    },
    options.indent,
  )
  if (!sawNonFinite || nan !== 'literal') return text
  return text.replace(/"\\u0000wbx-nonfinite:(NaN|Infinity|-Infinity)"/g, '$1')
}
