/**
 * Shared decoding helpers for `.wandb` records: sub-message bounds, timestamps, and the hot
 * path of history/summary/config items (interned key paths, typed history values).
 *
 * @module
 */
import { sharedKeyCache as keys } from './key_cache.ts'
import type { ProtoReader } from './protobuf_reader.ts'
import type { HistoryRecord, Item, Timestamp, UpdateRecord } from './record_types.ts'
import { floatText } from '../row_floats.ts'
import { defineKey } from '../json/json_edit.ts'

/** Enters a length-delimited sub-message: narrows `r.end` to it and returns the outer end to restore. */
export function enter(r: ProtoReader): number {
  const end = r.lengthEnd()
  const outer = r.end
  r.end = end
  return outer
}

/** Runs `read` over a length-delimited sub-message and restores the outer bounds. */
export function sub<T>(r: ProtoReader, read: (r: ProtoReader) => T): T {
  const outer = enter(r)
  const value = read(r)
  r.end = outer
  return value
}

/** Reads a length-delimited `google.protobuf.Timestamp`. */
export function readTimestamp(r: ProtoReader): Timestamp {
  const outer = enter(r)
  let seconds = 0
  let nanos = 0
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x08) seconds = r.int64()
    else if (tag === 0x10) nanos = r.int32()
    else r.skip(tag & 7)
  }
  r.end = outer
  return { seconds, nanos }
}

/**
 * Reads the body of a History/Summary/Config item: key path (`nested_key`, else `[key]`, keys
 * interned) and `value_json`. Without `value_json`, a history item's typed `value` oneof
 * (SDK ≥ 0.31, fields 3-8) is rendered as the same extended-JSON text.
 */
export function readItem(r: ProtoReader): Item {
  const buf = r.buf
  let keyStart = 0
  let keyEnd = 0
  let firstStart = 0
  let firstEnd = 0
  let segments = 0
  let nested: string[] | undefined
  let valueJson = ''
  let typed = ''
  while (r.pos < r.end) {
    const tag = r.tag()
    switch (tag) {
      case 0x0a: // 1: key
        keyEnd = r.lengthEnd()
        keyStart = r.pos
        r.pos = keyEnd
        break
      case 0x12: { // 2: nested_key, repeated
        const end = r.lengthEnd()
        if (segments === 0) {
          firstStart = r.pos
          firstEnd = end
        } else {
          nested ??= [keys.text(buf, firstStart, firstEnd)]
          nested.push(keys.text(buf, r.pos, end))
        }
        segments++
        r.pos = end
        break
      }
      case 0x82: // 16: value_json
        valueJson = r.string()
        break
      case 0x18: // 3: none
        r.uint32()
        typed = 'null'
        break
      case 0x20: // 4: boolean
        typed = r.bool() ? 'true' : 'false'
        break
      case 0x28: // 5: integer (sint64)
        typed = r.sint64String()
        break
      case 0x31: // 6: number (double)
        typed = jsonNumber(r.double())
        break
      case 0x3a: // 7: text
        typed = JSON.stringify(r.string())
        break
      case 0x42: // 8: json
        typed = r.string()
        break
      default:
        r.skip(tag & 7)
    }
  }
  const path = nested ??
    (segments === 1 ? keys.path(buf, firstStart, firstEnd) : keys.path(buf, keyStart, keyEnd))
  return { path, valueJson: valueJson || typed }
}

/** Formats a double as W&B extended JSON (bare NaN and ±Infinity; `1.0` stays a float's text). */
function jsonNumber(v: number): string {
  if (Number.isFinite(v)) return floatText(v)
  return v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'
}

/** Reads a SummaryRecord or ConfigRecord body: `update` 1 and `remove` 2 items. */
export function readUpdateRecord(r: ProtoReader): UpdateRecord {
  const update: Item[] = []
  const remove: Item[] = []
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) update.push(sub(r, readItem))
    else if (tag === 0x12) remove.push(sub(r, readItem))
    else r.skip(tag & 7)
  }
  return { update, remove }
}

/** Reads a HistoryRecord: items, and the `step` sub-message whose presence matters (empty = step 0). */
export function readHistory(r: ProtoReader): HistoryRecord {
  const items: Item[] = []
  let step = -1
  let hasStep = false
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) {
      const outer = enter(r)
      items.push(readItem(r))
      r.end = outer
    } else if (tag === 0x12) {
      const outer = enter(r)
      hasStep = true
      step = 0
      while (r.pos < r.end) {
        const t = r.tag()
        if (t === 8) step = r.int64()
        else r.skip(t & 7)
      }
      r.end = outer
    } else {
      r.skip(tag & 7)
    }
  }
  return hasStep ? { items, step } : { items }
}

/** Reads a `{key 1, value_json 2}` entry into `into`. */
export function readKeyValue(r: ProtoReader, into: Record<string, string>): void {
  const outer = enter(r)
  let key = ''
  let value = ''
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) key = r.string()
    else if (tag === 0x12) value = r.string()
    else r.skip(tag & 7)
  }
  r.end = outer
  defineKey(into, key, value)
}
