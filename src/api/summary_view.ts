/**
 * `run.summary` as a mutable view (the SDK's `HTTPSummary`): the summary object itself, plus
 * `update`, `set`, `get`, `has` and `delete` methods for nested key paths.
 *
 * @module
 */
import { assertJsonValue, cloneJson, defineKey, isPlainObject } from '../json/json_edit.ts'

/** A key path: one top-level key, or the keys from the top down to a nested one. */
export type SummaryPath = string | readonly string[]

/** The methods `run.summary` adds to the summary's own keys. */
export interface SummaryMethods {
  /**
   * Sets top-level keys (a nested object replaces the whole key, as in the SDK) and persists the
   * summary at once; other pending run edits are not sent. Resolves when the server has it.
   */
  update(values: Record<string, unknown>): Promise<void>
  /** Sets a (nested) key locally; `run.update()` persists it. Missing parents are created. */
  set(path: SummaryPath, value: unknown): void
  /** A (nested) value, or undefined. */
  get(path: SummaryPath): unknown
  /** Whether a (nested) key exists. */
  has(path: SummaryPath): boolean
  /** Removes a (nested) key locally and reports whether it existed; `run.update()` persists it. */
  delete(path: SummaryPath): boolean
}

/**
 * The summary of a run: plain data keys (read, assign and `delete` them like any object) plus
 * {@link SummaryMethods}. A summary key with a method's name hides that method; use
 * `run.updateSummary()` and the property syntax then.
 */
export type SummaryView = Record<string, unknown> & SummaryMethods

/** Normalises a path like the SDK's summary: string keys are trimmed; an empty path is a TypeError. */
function keysOf(path: SummaryPath): string[] {
  const keys = (typeof path === 'string' ? [path] : [...path]).map((k) => {
    if (typeof k !== 'string') {
      throw new TypeError(`Cannot use summary key ${String(k)}: keys are strings`)
    }
    return k.trim()
  })
  if (keys.length === 0 || keys.some((k) => k === '')) {
    throw new TypeError(
      `Cannot use summary path ${JSON.stringify(path)}: give one or more non-empty keys`,
    )
  }
  return keys
}

/** The object holding the last key of a path, or undefined when a parent is missing. */
function parentOf(
  root: Record<string, unknown>,
  keys: string[],
  create: boolean,
): Record<string, unknown> | undefined {
  let node = root
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined
    if (isPlainObject(next)) node = next
    else if (create) {
      const made: Record<string, unknown> = {}
      defineKey(node, key, made)
      node = made
    } else return undefined
  }
  return node
}

/**
 * Wraps a summary object in a view; `commit` persists the summary (only) and is what
 * `summary.update()` awaits. The view reads and writes `target` itself.
 */
export function createSummaryView(
  target: Record<string, unknown>,
  commit: () => Promise<void>,
): SummaryView {
  const methods: SummaryMethods = {
    async update(values) {
      if (!isPlainObject(values)) {
        throw new TypeError('Cannot update the summary: pass an object of keys and values')
      }
      for (const [key, value] of Object.entries(values)) {
        assertJsonValue(value, `summary key ${key}`)
        defineKey(target, keysOf(key)[0], cloneJson(value))
      }
      await commit()
    },
    set(path, value) {
      const keys = keysOf(path)
      assertJsonValue(value, `summary key ${keys.join('.')}`)
      defineKey(parentOf(target, keys, true)!, keys[keys.length - 1], cloneJson(value))
    },
    get(path) {
      const keys = keysOf(path)
      const parent = parentOf(target, keys, false)
      const last = keys[keys.length - 1]
      return parent && Object.hasOwn(parent, last) ? parent[last] : undefined
    },
    has(path) {
      const keys = keysOf(path)
      const parent = parentOf(target, keys, false)
      return parent !== undefined && Object.hasOwn(parent, keys[keys.length - 1])
    },
    delete(path) {
      const keys = keysOf(path)
      const parent = parentOf(target, keys, false)
      const last = keys[keys.length - 1]
      if (!parent || !Object.hasOwn(parent, last)) return false
      delete parent[last]
      return true
    },
  }
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (typeof prop === 'string' && !Object.hasOwn(obj, prop) && Object.hasOwn(methods, prop)) {
        return methods[prop as keyof SummaryMethods]
      }
      return Reflect.get(obj, prop, receiver)
    },
    set(obj, prop, value) {
      if (typeof prop !== 'string') return Reflect.set(obj, prop, value)
      assertJsonValue(value, `summary key ${prop}`)
      defineKey(obj, prop, value)
      return true
    },
  }) as SummaryView
}
