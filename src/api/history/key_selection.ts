/**
 * Key selection for history scans: which rows to keep, which keys to keep in them, and which
 * requested keys never appeared.
 *
 * @module
 */
import type { Row } from '../../row.ts'

/**
 * How rows are chosen when keys are given: `'any'` keeps rows holding at least one of the keys
 * (nothing logged is lost); `'all'` keeps rows holding every key, as the SDK's `scan_history(keys)`.
 */
export type KeysMode = 'any' | 'all'

/** Finds a key's value: the top-level key of that name, else the dotted path into nested objects. */
export function lookupKey(row: Row, key: string): unknown {
  const direct = Object.hasOwn(row, key) ? row[key] : undefined
  if (direct !== undefined && direct !== null) return direct
  if (!key.includes('.')) return undefined
  let node: unknown = row
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined
    node = (node as Row)[part]
  }
  return node ?? undefined
}

/** Projects and filters rows by requested keys, remembering which keys were ever seen. */
export class KeySelection {
  #keys: string[] | undefined
  #mode: KeysMode
  #seen = new Set<string>()

  /** Selects by `keys` (all keys when undefined) under `mode`. */
  constructor(keys: string[] | undefined, mode: KeysMode) {
    this.#keys = keys ? [...new Set(keys)] : undefined
    this.#mode = mode
  }

  /**
   * Returns the rows to emit: `_step` first, then each requested key that has a value, under
   * the key as written (`'a.b'` picks `row.a.b` and is emitted as `'a.b'`), in request order.
   */
  select(rows: Row[]): Row[] {
    const keys = this.#keys
    if (!keys) return rows
    const out: Row[] = []
    for (const row of rows) {
      const picked: Row = { _step: row._step }
      let present = 0
      for (const key of keys) {
        const value = lookupKey(row, key)
        if (value === undefined) continue
        present++
        this.#seen.add(key)
        if (key !== '__proto__') picked[key] = value
        else Object.defineProperty(picked, key, { value, enumerable: true, writable: true })
      }
      if (this.#mode === 'all' ? present === keys.length : present > 0) out.push(picked)
    }
    return out
  }

  /** The requested keys that had no value in any row examined so far. */
  missingKeys(): string[] {
    return (this.#keys ?? []).filter((key) => !this.#seen.has(key))
  }
}
