/**
 * Column discovery for the wide layout: `_step` first, then keys in first-seen order, or exactly
 * the columns a caller gave.
 *
 * @module
 */
import type { Row } from '../row.ts'

/** The ordered column list of a wide export, grown as rows bring new keys. */
export class ColumnOrder {
  /** Column names in output order. */
  readonly names: string[]
  /** True when the caller fixed the columns: keys outside them are dropped. */
  readonly fixed: boolean
  #index = new Map<string, number>()
  #lastKeys: string[] = []
  #frozen = false

  /** Starts from the caller's columns (fixed) or from nothing (discovered). */
  constructor(columns?: readonly string[]) {
    this.fixed = columns !== undefined
    this.names = []
    for (const name of columns ?? []) {
      if (typeof name !== 'string') {
        throw new TypeError(
          `Cannot use column ${JSON.stringify(name)}: column names must be strings`,
        )
      }
      if (this.#index.has(name)) {
        throw new RangeError(`Cannot use column "${name}" twice: remove the duplicate from columns`)
      }
      this.#index.set(name, this.names.length)
      this.names.push(name)
    }
  }

  /** Stops `_step` from moving to the front: call once data has been written in the current order. */
  freeze(): void {
    this.#frozen = true
  }

  /** Adds the unseen keys of rows[start..end); returns how many columns were added. */
  discover(rows: readonly Row[], start = 0, end: number = rows.length): number {
    if (this.fixed) return 0
    const before = this.names.length
    const last = this.#lastKeys
    for (let i = start; i < end; i++) {
      const row = rows[i]
      // Rows of one source usually share their key order: compare with the previous row's keys
      // (interned strings, so this is a pointer compare) before paying for map lookups.
      let j = 0
      let same = true
      for (const key in row) {
        if (same && last[j] !== key) same = false
        j++
      }
      if (same && j === last.length) continue
      last.length = 0
      for (const key in row) {
        last.push(key)
        if (!this.#index.has(key)) this.#add(key)
      }
    }
    return this.names.length - before
  }

  /** Adds a new column: `_step` goes first while the order is not frozen, others at the end. */
  #add(key: string): void {
    if (key === '_step' && !this.#frozen) {
      this.names.unshift(key)
      for (let k = 0; k < this.names.length; k++) this.#index.set(this.names[k], k)
      return
    }
    this.#index.set(key, this.names.length)
    this.names.push(key)
  }
}
