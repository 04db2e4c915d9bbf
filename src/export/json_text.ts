/**
 * JSON text for row values, with a chosen spelling for NaN and ±Infinity (which plain
 * `JSON.stringify` silently turns into `null`).
 *
 * @module
 */

import type { NanPolicy } from '../json/stringify_json.ts'

/**
 * How NaN, Infinity and -Infinity are spelled in JSON text (the policy of `src/json/stringify_json.ts`):
 * - `string`: the JSON strings `"NaN"`, `"Infinity"`, `"-Infinity"` (valid JSON, lossless for numbers,
 *   but a genuine string `"NaN"` reads back the same);
 * - `null`: `null` (valid JSON, lossy, keeps numeric columns numeric for readers);
 * - `literal`: the bare tokens `NaN`, `Infinity`, `-Infinity` (not valid JSON; Python's `json` module reads them).
 */
export type { NanPolicy }

/** Checks a NanPolicy value, throwing a RangeError that lists the valid ones. */
export function checkNanPolicy(nan: unknown): NanPolicy {
  if (nan === 'string' || nan === 'null' || nan === 'literal') return nan
  throw new RangeError(`Cannot export with nan "${String(nan)}": use "string", "null" or "literal"`)
}

/** JSON text of a value with non-finite numbers anywhere inside spelled as `nan` says; undefined for undefined. */
export function jsonText(value: unknown, nan: NanPolicy = 'string'): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {
    // BigInt values make JSON.stringify throw; the slow path writes them as JSON numbers.
    text = undefined
  }
  // JSON.stringify writes every non-finite number as null, so text without "null" is already right.
  if (text !== undefined) {
    if (nan === 'null' || !text.includes('null') || !hasNonFinite(value)) return text
  }
  return slowJson(value, nan) ?? 'null'
}

/** Spelling of one non-finite number under a policy. */
export function nonFiniteJson(value: number, nan: NanPolicy): string {
  if (nan === 'null') return 'null'
  const word = value !== value ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
  return nan === 'literal' ? word : `"${word}"`
}

/** Whether a value holds NaN or ±Infinity at any depth. */
export function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return value - value !== 0
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasNonFinite(value[i])) return true
    return false
  }
  for (const key in value) {
    if (hasNonFinite((value as Record<string, unknown>)[key])) return true
  }
  return false
}

/** A hand-written serializer for the rare values JSON.stringify cannot spell as asked. */
function slowJson(value: unknown, nan: NanPolicy, key = ''): string | undefined {
  if (
    value !== null && typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON(key: string): unknown }).toJSON(key)
  }
  switch (typeof value) {
    case 'number':
      return value - value === 0 ? JSON.stringify(value) : nonFiniteJson(value, nan)
    case 'bigint':
      return value.toString()
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) {
          if (i) out += ','
          out += slowJson(value[i], nan, String(i)) ?? 'null'
        }
        return out + ']'
      }
      let out = '{'
      let first = true
      for (const k in value) {
        const text = slowJson((value as Record<string, unknown>)[k], nan, k)
        if (text === undefined) continue
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + text
        first = false
      }
      return out + '}'
    }
    default:
      return undefined
  }
}
