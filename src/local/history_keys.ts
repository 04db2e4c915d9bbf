/**
 * Tallies history keys and value types the way the W&B API's `historyKeys` reports them:
 * `{keys: {"<dotted key>": {typeCounts: [{type, count}]}}, lastStep}`.
 *
 * Keys are item paths joined with `.`; objects that carry a `_type` (media, tables,
 * histograms) count once under their own key with that `_type` as the type, while other
 * objects are split into their leaves. Types are `number`, `string`, `bool`, `nil`, `list`,
 * `map` (an empty object) or the media `_type`. Values are classified from their first
 * character, so counting costs no JSON parsing except for whole-object values (legacy
 * writer) and `_type` strings.
 *
 * @module
 */
import type { HistoryRecord, Item } from './record_types.ts'
import { isPlainObject, parseValueJson } from './history_record_row.ts'

/** How often one type was seen for one key. */
export interface TypeCount {
  /** The value type: `number`, `string`, `bool`, `nil`, `list`, `map`, or a media `_type`. */
  type: string
  /** How many values of this type were seen for the key. */
  count: number
}

/** The API-shaped `historyKeys` value. */
export interface HistoryKeys {
  /** Per dotted key, how often each value type was seen. */
  keys: Record<string, { typeCounts: TypeCount[] }>
  /** The highest integer step seen, or -1 when there is none (as the API's `lastHistoryStep`). */
  lastStep: number
}

/** Classifies a `value_json` text by its first character. */
export function sniffJsonType(text: string): string {
  switch (text.charCodeAt(0)) {
    case 34:
      return 'string'
    case 116:
    case 102:
      return 'bool'
    case 110:
      return 'nil'
    case 91:
      return 'list'
    case 123:
      return 'map'
    default:
      return 'number'
  }
}

const INTEGER_TEXT = /^-?\d+$/

/** Accumulates key/type counts over history records. */
export class HistoryKeyTally {
  #counts = new Map<string, Map<string, number>>()
  #doubles = new Set<string>()
  #lastStep = -1

  /** Counts one type occurrence for a key. */
  count(key: string, type: string): void {
    let types = this.#counts.get(key)
    if (!types) {
      types = new Map()
      this.#counts.set(key, types)
    }
    types.set(type, (types.get(type) ?? 0) + 1)
  }

  /** Records the step of a row, keeping the highest one as `lastStep`. */
  step(step: number | undefined): void {
    if (step !== undefined && step > this.#lastStep) this.#lastStep = step
  }

  /** Counts the keys of one history record. */
  add(record: HistoryRecord): void {
    const items = record.items
    let mediaParents: Set<string> | undefined
    for (const item of items) {
      const path = item.path
      if (path.length > 1 && path[path.length - 1] === '_type') {
        mediaParents ??= new Set()
        mediaParents.add(path.slice(0, -1).join('.'))
      }
    }
    for (const item of items) {
      if (mediaParents && this.#underMedia(item, mediaParents)) continue
      this.#countItem(item)
    }
  }

  /** Whether an item lies under a media object of the same row; counts the object once at its `_type` leaf. */
  #underMedia(item: Item, parents: Set<string>): boolean {
    const path = item.path
    if (path.length < 2) return false
    let prefix = path[0]
    for (let i = 1; i < path.length; i++) {
      if (parents.has(prefix)) {
        if (i === path.length - 1 && path[i] === '_type') {
          const type = parseValueJson(item.valueJson)
          this.count(prefix, typeof type === 'string' ? type : 'map')
        }
        return true
      }
      prefix += '.' + path[i]
    }
    return false
  }

  /** Counts one item by its sniffed type, splitting whole-object values. */
  #countItem(item: Item): void {
    const key = item.path.length === 1 ? item.path[0] : item.path.join('.')
    const type = sniffJsonType(item.valueJson)
    if (type === 'number' && !INTEGER_TEXT.test(item.valueJson)) this.#doubles.add(key)
    if (type !== 'map') return this.count(key, type)
    this.#countValue(key, parseValueJson(item.valueJson))
  }

  /**
   * Counts a parsed value: media objects by `_type`, other objects leaf by leaf (walked with an
   * explicit stack, so a value nested thousands of levels deep does not overflow the call stack).
   */
  #countValue(key: string, value: unknown): void {
    const pending: [string, unknown][] = [[key, value]]
    while (pending.length > 0) {
      const [name, v] = pending.pop()!
      if (!isPlainObject(v)) {
        if (typeof v === 'number' && !Number.isSafeInteger(v)) this.#doubles.add(name)
        this.count(name, typeOfValue(v))
        continue
      }
      const entries = Object.keys(v)
      if (typeof v._type === 'string') this.count(name, v._type)
      else if (entries.length === 0) this.count(name, 'map')
      else {
        for (let i = entries.length - 1; i >= 0; i--) {
          pending.push([`${name}.${entries[i]}`, v[entries[i]]])
        }
      }
    }
  }

  /**
   * Keys with a number that is not an integer literal (`0.5`, `1.0`, `NaN`): the columns a
   * typed export writes as floats; number keys outside it held only integers.
   */
  doubles(): ReadonlySet<string> {
    return this.#doubles
  }

  /** The tally in the API's `historyKeys` shape. */
  result(): HistoryKeys {
    const keys: HistoryKeys['keys'] = {}
    for (const [key, types] of this.#counts) {
      const typeCounts: TypeCount[] = []
      for (const [type, count] of types) typeCounts.push({ type, count })
      Object.defineProperty(keys, key, {
        value: { typeCounts },
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return { keys, lastStep: this.#lastStep }
  }
}

/** The `historyKeys` type name of a parsed value. */
function typeOfValue(value: unknown): string {
  if (value === null) return 'nil'
  if (Array.isArray(value)) return 'list'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'number') return 'number'
  return 'map'
}
