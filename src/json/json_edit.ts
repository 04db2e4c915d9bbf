/**
 * Edits of JSON documents as key paths: the difference between two values, and applying those
 * edits to another value. `run.update()` uses them to write only the config and summary keys a
 * caller changed on top of what the server holds at write time.
 *
 * @module
 */

/** One change at a key path: set a value, or delete the key. */
export type JsonEdit =
  | { op: 'set'; path: string[]; value: unknown }
  | { op: 'delete'; path: string[] }

/** Whether a value is a plain JSON object (not an array, not null, not a class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Deep equality of JSON values; NaN equals NaN and key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a === 'number' && typeof b === 'number') return a === b
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => jsonEqual(x, b[i]))
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a)
    if (keys.length !== Object.keys(b).length) return false
    return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
  }
  return false
}

/**
 * The edits that turn object `base` into object `current`: nested objects present on both sides
 * are compared key by key, anything else that differs is set whole.
 */
export function diffJson(
  base: Record<string, unknown>,
  current: Record<string, unknown>,
  prefix: string[] = [],
): JsonEdit[] {
  const edits: JsonEdit[] = []
  for (const key of Object.keys(base)) {
    if (!Object.hasOwn(current, key)) edits.push({ op: 'delete', path: [...prefix, key] })
  }
  for (const [key, value] of Object.entries(current)) {
    const path = [...prefix, key]
    if (!Object.hasOwn(base, key)) {
      edits.push({ op: 'set', path, value })
      continue
    }
    const old = base[key]
    if (isPlainObject(old) && isPlainObject(value)) edits.push(...diffJson(old, value, path))
    else if (!jsonEqual(old, value)) edits.push({ op: 'set', path, value })
  }
  return edits
}

/**
 * Applies edits to `target` in place. Setting below a missing or non-object key creates the
 * objects on the way; deleting a key that is already gone does nothing.
 */
export function applyJsonEdits(target: Record<string, unknown>, edits: readonly JsonEdit[]): void {
  for (const edit of edits) {
    let node = target
    const last = edit.path.length - 1
    let reachable = true
    for (let i = 0; i < last; i++) {
      const key = edit.path[i]
      const next = Object.hasOwn(node, key) ? node[key] : undefined
      if (isPlainObject(next)) {
        node = next
        continue
      }
      if (edit.op === 'delete') {
        reachable = false
        break
      }
      const created: Record<string, unknown> = {}
      defineKey(node, key, created)
      node = created
    }
    if (!reachable) continue
    if (edit.op === 'set') defineKey(node, edit.path[last], cloneJson(edit.value))
    else delete node[edit.path[last]]
  }
}

/**
 * Sets an own, enumerable key even when it is named `__proto__` (defined as data there, so the
 * prototype never changes); other keys are plainly assigned.
 */
export function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  } else target[key] = value
}

/** Sets `value` at `path` inside `target`, replacing non-objects along the way with new objects. */
export function setPath(
  target: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): void {
  let node = target
  const last = path.length - 1
  for (let i = 0; i < last; i++) {
    const key = path[i]
    const child = Object.hasOwn(node, key) ? node[key] : undefined
    if (isPlainObject(child)) node = child
    else {
      const fresh: Record<string, unknown> = {}
      defineKey(node, key, fresh)
      node = fresh
    }
  }
  defineKey(node, path[last], value)
}

/**
 * A deep copy of a JSON value (NaN, ±Infinity and -0 kept), made without recursion so a value
 * nested thousands of levels deep does not overflow the stack.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  const copy = (v: object): Record<string, unknown> | unknown[] =>
    Array.isArray(v) ? new Array(v.length) : {}
  const root = copy(value)
  const pending: [object, Record<string, unknown> | unknown[]][] = [[value, root]]
  while (pending.length > 0) {
    const [source, target] = pending.pop()!
    if (Array.isArray(source)) {
      for (let i = 0; i < source.length; i++) {
        const v = source[i]
        const out = v !== null && typeof v === 'object' ? copy(v) : v
        ;(target as unknown[])[i] = out
        if (out !== v) pending.push([v, out as Record<string, unknown>])
      }
      continue
    }
    for (const [k, v] of Object.entries(source)) {
      const out = v !== null && typeof v === 'object' ? copy(v) : v
      defineKey(target as Record<string, unknown>, k, out)
      if (out !== v) pending.push([v, out as Record<string, unknown>])
    }
  }
  return root as T
}

/**
 * Throws a TypeError naming the path when `value` is not JSON data (null, boolean, number,
 * string, arrays and plain objects of those; NaN and ±Infinity are allowed, W&B stores them).
 */
export function assertJsonValue(value: unknown, where: string): void {
  // Walked with an explicit stack: a deeply nested value must not overflow the call stack.
  const pending: [unknown, string][] = [[value, where]]
  while (pending.length > 0) {
    const [v, path] = pending.pop()!
    if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') {
      continue
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) pending.push([v[i], `${path}[${i}]`])
      continue
    }
    if (isPlainObject(v)) {
      const entries = Object.entries(v)
      for (let i = entries.length - 1; i >= 0; i--) {
        pending.push([entries[i][1], `${path}.${entries[i][0]}`])
      }
      continue
    }
    const kind = v === undefined
      ? 'undefined'
      : typeof v === 'object'
      ? 'a class instance'
      : typeof v
    throw new TypeError(
      `Cannot write ${where}: the value at ${path} is ${kind}; use null, booleans, numbers, strings, arrays or plain objects`,
    )
  }
}

/** A path for messages: `a.b.c`, with segments holding dots or spaces quoted. */
export function formatPath(path: readonly string[]): string {
  return path.map((s) => (/^[^.\s"[\]]+$/.test(s) ? s : JSON.stringify(s))).join('.')
}

/** Replaces every own key of `target` with those of `source`, keeping `target`'s identity. */
export function replaceContents(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
): void {
  for (const key of Object.keys(target)) delete target[key]
  for (const [key, value] of Object.entries(source)) defineKey(target, key, value)
}
