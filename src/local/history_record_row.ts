/**
 * Turns one `HistoryRecord` into a history row: a nested object built from the record's
 * items, with its step resolved by W&B's rules.
 *
 * Step rules, in order:
 * 1. a `_step` item, if present: its parsed value is kept in the row as logged; when it is a
 *    safe integer it is the row's step (`stepSource: 'item'`), otherwise the row has no usable
 *    step (`stepSource: 'invalid'`; step filters treat it as absent) unless rule 2 supplies one;
 * 2. else the record's `step` field (`stepSource: 'field'`; 0 when the sub-message is present
 *    but empty), written into the row as `_step`;
 * 3. else (shared-mode runs, the proposed version-1 format) a synthetic 0-based row index is
 *    written as `_step` (`stepSource: 'synthetic'`) so rows stay ordered and addressable.
 *
 * @module
 */
import type { HistoryRecord, Item } from './record_types.ts'
import type { Row } from '../row.ts'
import { integralFloatPaths } from '../json/float_paths.ts'
import { parseJson } from '../json/parse_json.ts'
import { defineKey, setPath } from '../json/json_edit.ts'
import { isFloatText, setFloatKeys } from '../row_floats.ts'

/** Where a row's step came from; see the module documentation. */
export type StepSource = 'item' | 'field' | 'synthetic' | 'invalid'

/** A built history row with its resolved step. */
export interface HistoryRow {
  /** The row: nested objects along item paths, `_step` always present. */
  row: Row
  /** The integer step used for ordering and step filters, or undefined when the row has none. */
  step: number | undefined
  /** Where the step came from. */
  stepSource: StepSource
}

const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/**
 * Parses an item's `value_json`, with fast paths for plain numbers, booleans, null, the
 * NaN/Infinity tokens and escape-free strings; anything else goes through `parseJson`.
 * Text that is not JSON at all comes back unchanged as a string, so one bad value never
 * stops a whole scan.
 */
export function parseValueJson(text: string): unknown {
  const c = text.charCodeAt(0)
  if ((c >= 48 && c <= 57) || c === 45) {
    if (NUMBER_TEXT.test(text)) return Number(text)
    if (text === '-Infinity') return -Infinity
  } else if (c === 34) {
    if (text.length >= 2 && text.charCodeAt(text.length - 1) === 34 && text.indexOf('\\') < 0) {
      const inner = text.slice(1, -1)
      if (inner.indexOf('"') < 0) return inner
    }
  } else if (text === 'true') return true
  else if (text === 'false') return false
  else if (text === 'null') return null
  else if (text === 'NaN') return NaN
  else if (text === 'Infinity') return Infinity
  try {
    return parseJson(text)
  } catch {
    return text
  }
}

/** Whether a value is a plain (non-array, non-null) object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Deletes the value at `path` inside `target`; missing intermediate objects are ignored. */
export function deletePath(target: Record<string, unknown>, path: readonly string[]): void {
  let node = target
  const last = path.length - 1
  for (let i = 0; i < last; i++) {
    const child = Object.hasOwn(node, path[i]) ? node[path[i]] : undefined
    if (!isPlainObject(child)) return
    node = child
  }
  delete node[path[last]]
}

/** Whether a step value is usable for ordering and filtering (a safe integer). */
export function isValidStep(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value)
}

/** Most distinct top-level keys a KeyOrder ranks; later keys share the last rank (file order). */
const MAX_RANKED_KEYS = 65536

/**
 * Ranks top-level row keys by their first appearance in a scan. wandb-core writes a record's
 * items in Go map order, different in every row; setting keys in rank order instead gives rows
 * with the same keys one object shape, which makes building, reading and serializing them
 * cheaper (each new key order would otherwise create new hidden classes).
 */
export class KeyOrder {
  #ranks = new Map<string, number>()

  /** The rank of `key`, assigning the next one on first sight. */
  rank(key: string): number {
    let r = this.#ranks.get(key)
    if (r === undefined) {
      r = this.#ranks.size
      if (r < MAX_RANKED_KEYS) this.#ranks.set(key, r)
    }
    return r
  }
}

const rankScratch: number[] = []

/** The items sorted (stably) by the rank of their top-level key; the input is not changed. */
function rankedItems(items: Item[], order: KeyOrder): Item[] {
  const n = items.length
  const out = items.slice()
  const ranks = rankScratch
  for (let i = 0; i < n; i++) {
    const item = out[i]
    const r = order.rank(item.path[0])
    let j = i - 1
    while (j >= 0 && ranks[j] > r) {
      ranks[j + 1] = ranks[j]
      out[j + 1] = out[j]
      j--
    }
    ranks[j + 1] = r
    out[j + 1] = item
  }
  return out
}

/**
 * Builds the row for one history record; `index` is the record's 0-based position among the
 * history records read so far, used as the synthetic step when the record carries none. With
 * `order`, top-level keys are set in the order of their first appearance in the scan.
 */
export function buildHistoryRow(
  record: HistoryRecord,
  index: number,
  order?: KeyOrder,
): HistoryRow {
  // `_step` is created first so it is the row's first key whatever order the writer used
  // (wandb-core writes items in Go map order); every row ends up with a `_step` value.
  const row: Row = { _step: undefined }
  let hasStepItem = false
  let floats: string[] | undefined
  for (const item of order ? rankedItems(record.items, order) : record.items) {
    const path = item.path
    const value = parseValueJson(item.valueJson)
    // Keep float-ness (`1.0`) that parsing loses, for the text exporters (see row_floats.ts).
    if (typeof value === 'number') {
      if (Number.isInteger(value) && isFloatText(item.valueJson)) {
        ;(floats ??= []).push(path.length === 1 ? path[0] : path.join('.'))
      }
    } else if (typeof value === 'object' && value !== null) {
      const inner = integralFloatPaths(item.valueJson)
      if (inner) { for (const p of inner) (floats ??= []).push([...path, p].join('.')) }
    }
    if (path.length === 1) {
      defineKey(row, path[0], value)
      if (path[0] === '_step') hasStepItem = true
    } else setPath(row, path, value)
  }
  const { step, stepSource } = resolveStep(hasStepItem, row._step, record.step, index)
  if (stepSource === 'field' || stepSource === 'synthetic') row._step = step
  setFloatKeys(row, floats)
  return { row, step, stepSource }
}

/** Resolves a record's step without building its row: only the `_step` item is parsed. */
export function recordStep(
  record: HistoryRecord,
  index: number,
): { step: number | undefined; stepSource: StepSource } {
  for (const item of record.items) {
    if (item.path.length === 1 && item.path[0] === '_step') {
      return resolveStep(true, parseValueJson(item.valueJson), record.step, index)
    }
  }
  return resolveStep(false, undefined, record.step, index)
}

/** Applies the step rules to a parsed `_step` item (if any), the step field and the row index. */
function resolveStep(
  hasStepItem: boolean,
  logged: unknown,
  field: number | undefined,
  index: number,
): { step: number | undefined; stepSource: StepSource } {
  if (hasStepItem) {
    if (isValidStep(logged)) return { step: logged, stepSource: 'item' }
    return { step: field, stepSource: 'invalid' }
  }
  if (field !== undefined) return { step: field, stepSource: 'field' }
  return { step: index, stepSource: 'synthetic' }
}

/** Counts of how each row's step was resolved, for reporting synthesized or invalid steps. */
export interface StepTally {
  /** Rows whose `_step` item was a safe integer. */
  item: number
  /** Rows stepped by the record's `step` field. */
  field: number
  /** Rows given a synthetic 0-based index because the record had no step at all. */
  synthetic: number
  /** Rows whose `_step` item was not an integer (kept raw in the row, treated as absent by filters). */
  invalid: number
}

/** Creates an all-zero step tally. */
export function emptyStepTally(): StepTally {
  return { item: 0, field: 0, synthetic: 0, invalid: 0 }
}
