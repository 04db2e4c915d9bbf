/**
 * Flattening of nested row values into dotted column names, the way the W&B UI shows nested
 * history dicts (`{"a": {"b": 1}}` → column `a.b`). Media and other typed objects (those with a
 * `_type` key), arrays and empty objects are values, never split.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { floatKeysOf, setFloatKeys } from '../row_floats.ts'

/** Whether flattening splits this value: a non-empty plain object without a `_type` key. */
export function isSplittable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  if (Object.hasOwn(value, '_type')) return false
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  for (const _ in value) return true
  return false
}

/** Returns the row itself when nothing in it is splittable, else a new row with dotted keys. */
export function flattenRow(row: Row): Row {
  for (const key in row) {
    if (isSplittable(row[key])) {
      const flat = flattenInto(Object.create(null), '', row)
      setFloatKeys(flat, floatKeysOf(row))
      return flat
    }
  }
  return row
}

/** Copies `source` into `target` with `prefix` before every key, recursing into splittable values. */
function flattenInto(target: Row, prefix: string, source: Record<string, unknown>): Row {
  for (const key in source) {
    const value = source[key]
    const name = prefix + key
    if (isSplittable(value)) flattenInto(target, name + '.', value)
    else if (value !== undefined) target[name] = value
  }
  return target
}
