/**
 * Key selection for history scans, one rule for local runs and runs on a W&B server: which rows
 * to keep, which keys to keep in them, and which requested keys never had a value.
 *
 * A key whose value is `null` at a step counts as not logged at that step. W&B's Parquet history
 * exports, which the SDK's `Run.scan_history(keys=…)` reads since wandb 0.27.1, hold `null` both
 * where a step logged `None` and where it logged nothing, so no reader of a remote run can tell
 * the two apart; counting null as absent everywhere gives the same rows for a run read from its
 * local folder, from the exports or from GraphQL pages (see docs/history-keys.md).
 *
 * @module
 */
import type { Row } from '../row.ts'
import { floatKeysOf, setFloatKeys } from '../row_floats.ts'
import { defineKey } from '../json/json_edit.ts'

/**
 * How rows are chosen when keys are given: `'any'` keeps rows holding at least one of the keys
 * (nothing logged is lost); `'all'` keeps rows holding every key, as the SDK's `scan_history(keys)`.
 */
export type KeysMode = 'any' | 'all'

/** The key-selection options every history scan takes, local or remote. */
export interface KeySelectionOptions {
  /**
   * Only rows holding these keys, each projected to `_step` (system rows: `_timestamp` and
   * `_runtime`) plus the requested keys it holds a non-null value for. A key names a top-level
   * value or, when no top-level key of that name has a value, a dotted path into nested objects
   * (`eval.score`). An empty list means every key, as in the SDK.
   * @default undefined (every row, every key)
   */
  keys?: string[]
  /**
   * With `keys`: `'any'` keeps rows holding at least one key, `'all'` only rows holding every
   * key (what the SDK's `scan_history(keys=…)` documents).
   * @default 'any'
   */
  keysMode?: KeysMode
  /**
   * Called once when the scan has read everything (not when it is cancelled or fails) with the
   * requested keys that had no non-null value in any row of the selected steps; not called when
   * every key had one.
   * @default none
   */
  onMissingKeys?: (keys: string[]) => void
}

/** Throws a TypeError naming the option when `keys`, `keysMode` or `onMissingKeys` is misused. */
export function checkKeySelection(options: KeySelectionOptions, what: string): void {
  const { keys, keysMode, onMissingKeys } = options
  if (keys !== undefined && (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string'))) {
    throw new TypeError(
      `Cannot ${what}: keys must be an array of strings, got ${JSON.stringify(keys)}`,
    )
  }
  if (keysMode !== undefined && keysMode !== 'any' && keysMode !== 'all') {
    throw new TypeError(
      `Cannot ${what}: keysMode must be 'any' or 'all', got ${JSON.stringify(keysMode)}`,
    )
  }
  if (onMissingKeys !== undefined && typeof onMissingKeys !== 'function') {
    throw new TypeError(`Cannot ${what}: onMissingKeys must be a function`)
  }
}

/** Whether a value is a plain (non-array, non-null) object a dotted key can reach into. */
function isObject(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Finds a key's value, or `undefined` when the row has none (null counts as none): the
 * top-level key of that name, else the dotted path into nested objects.
 */
export function lookupKey(row: Row, key: string): unknown {
  const direct = Object.hasOwn(row, key) ? row[key] : undefined
  if (direct !== undefined && direct !== null) return direct
  if (!key.includes('.')) return undefined
  let node: unknown = row
  for (const part of key.split('.')) {
    if (!isObject(node) || !Object.hasOwn(node, part)) return undefined
    node = node[part]
  }
  return node ?? undefined
}

/** Carries the source row's float marks (`1.0`, see row_floats.ts) that name a picked key or lie under it. */
function keepFloatKeys(from: Row, to: Row, picked: readonly string[]): void {
  const marks = floatKeysOf(from)
  if (!marks) return
  const kept = marks.filter((mark) =>
    picked.some((key) => mark === key || (mark.startsWith(key) && mark[key.length] === '.'))
  )
  setFloatKeys(to, kept)
}

/** Projects and filters rows by requested keys, remembering which keys ever had a value. */
export class KeySelection {
  readonly #keys: string[] | undefined
  readonly #mode: KeysMode
  readonly #anchors: readonly string[]
  readonly #seen = new Set<string>()

  /**
   * Selects by `keys` (every row and key when undefined or empty) under `mode`; `anchors` are
   * the keys every projected row keeps when the row has them (`_step` for history rows).
   */
  constructor(
    keys: readonly string[] | undefined,
    mode: KeysMode = 'any',
    anchors: readonly string[] = ['_step'],
  ) {
    this.#keys = keys?.length ? [...new Set(keys)] : undefined
    this.#mode = mode
    this.#anchors = anchors
  }

  /** Whether keys were given (without them every row passes unchanged). */
  get active(): boolean {
    return this.#keys !== undefined
  }

  /**
   * Returns the row to emit, or undefined when it does not qualify: the anchors first, then
   * each requested key that has a value, under the key as written (`'a.b'` picks `row.a.b` and
   * is emitted as `'a.b'`), in request order.
   */
  pick(row: Row): Row | undefined {
    const keys = this.#keys
    if (!keys) return row
    const picked: Row = {}
    for (const anchor of this.#anchors) {
      if (Object.hasOwn(row, anchor)) defineKey(picked, anchor, row[anchor])
    }
    let present = 0
    for (const key of keys) {
      const value = lookupKey(row, key)
      if (value === undefined) continue
      present++
      this.#seen.add(key)
      defineKey(picked, key, value)
    }
    if (this.#mode === 'all' ? present < keys.length : present === 0) return undefined
    keepFloatKeys(row, picked, Object.keys(picked))
    return picked
  }

  /** Returns the rows to emit out of `rows` (see {@linkcode KeySelection.pick}). */
  select(rows: Row[]): Row[] {
    if (!this.#keys) return rows
    const out: Row[] = []
    for (const row of rows) {
      const picked = this.pick(row)
      if (picked) out.push(picked)
    }
    return out
  }

  /** The requested keys that had no value in any row examined so far. */
  missingKeys(): string[] {
    return (this.#keys ?? []).filter((key) => !this.#seen.has(key))
  }

  /** Calls `onMissingKeys` with the keys that never had a value, when there are any; returns them. */
  report(onMissingKeys: ((keys: string[]) => void) | undefined): string[] {
    const missing = this.missingKeys()
    if (missing.length > 0) onMissingKeys?.(missing)
    return missing
  }
}
