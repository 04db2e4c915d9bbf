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
      const flat = flattenInto(Object.create(null), row)
      setFloatKeys(flat, floatKeysOf(row))
      return flat
    }
  }
  return row
}

/**
 * Copies `source` into `target` with dotted keys, descending into splittable values without
 * recursion (a value nested thousands of levels deep must not overflow the stack); keys keep
 * their depth-first order. A frame's prefix is joined once from the key path, never built by
 * appending to its parent's: on Bun a JIT-compiled `prefix + key` down a 100,000-level chain
 * flattened every intermediate string (quadratic time, 10 GB of memory).
 */
function flattenInto(target: Row, source: Record<string, unknown>): Row {
  const stack: {
    prefix?: string
    keys: string[]
    source: Record<string, unknown>
    next: number
  }[] = [{ prefix: '', keys: Object.keys(source), source, next: 0 }]
  const path: string[] = []
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]
    if (frame.next >= frame.keys.length) {
      stack.pop()
      path.pop()
      continue
    }
    const key = frame.keys[frame.next++]
    const value = frame.source[key]
    if (isSplittable(value)) {
      path.push(key)
      stack.push({ keys: Object.keys(value), source: value, next: 0 })
    } else if (value !== undefined) {
      frame.prefix ??= path.join('.') + '.'
      target[frame.prefix + key] = value
    }
  }
  return target
}
