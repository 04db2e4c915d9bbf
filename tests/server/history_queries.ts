/**
 * The history reads the W&B server answers: `history(minStep, maxStep, samples)` and
 * `events(samples)` as JSON text lines, `sampledHistory(specs)` pages, and `historyKeys`.
 *
 * @module
 */
import type { Row } from '../../src/row.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import { jsonText } from './json_text.ts'
import {
  flattenRow,
  type HistoryTable,
  indexRange,
  isRecord,
  lastStepOf,
  lookupKey,
  sampleIndices,
  valueTypeName,
} from './history_table.ts'
import { BadRequestError } from './ids.ts'

/** W&B's default sample count when a query leaves `samples` out. */
export const DEFAULT_SAMPLES = 500

/** Arguments of `Run.history`. */
export interface HistoryArgs {
  samples?: number | null
  minStep?: number | string | null
  maxStep?: number | string | null
}

/** Rows with minStep ≤ step < maxStep as JSON text (bare NaN kept), thinned to `samples`. */
export function historyLines(table: HistoryTable, args: HistoryArgs): string[] {
  const min = toStep(args.minStep, 'minStep') ?? -Infinity
  const max = toStep(args.maxStep, 'maxStep') ?? Infinity
  const samples = args.samples ?? DEFAULT_SAMPLES
  const [start, end] = indexRange(table, min, max)
  return sampleIndices(start, end, samples).map((i) => jsonText(table.rowAt(i)))
}

/** A parsed `sampledHistory` spec. */
export interface SampledSpec {
  keys: string[]
  samples: number
  minStep?: number
  maxStep?: number
}

/** Parses one spec string; throws BadRequestError for anything that is not a valid spec. */
export function parseSpec(text: string): SampledSpec {
  let spec: unknown
  try {
    spec = parseJson(text)
  } catch {
    throw new BadRequestError(`invalid sampledHistory spec ${JSON.stringify(text)}: not JSON`)
  }
  if (
    !isRecord(spec) || !Array.isArray(spec.keys) || spec.keys.some((k) => typeof k !== 'string')
  ) {
    throw new BadRequestError(
      `invalid sampledHistory spec ${JSON.stringify(text)}: "keys" must be a list of strings`,
    )
  }
  const samples = spec.samples ?? DEFAULT_SAMPLES
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 0) {
    throw new BadRequestError(`invalid sampledHistory spec ${JSON.stringify(text)}: bad "samples"`)
  }
  return {
    keys: spec.keys as string[],
    samples,
    minStep: toStep(spec.minStep as number | undefined, 'minStep'),
    maxStep: toStep(spec.maxStep as number | undefined, 'maxStep'),
  }
}

/**
 * One `sampledHistory` page: rows in minStep ≤ step ≤ maxStep (inclusive, as the backend treats
 * it) that carry every requested key, reduced to those keys, then sampled down to `samples`.
 * Non-finite numbers come back as the strings "NaN", "Infinity" and "-Infinity".
 */
export function sampledHistoryPage(table: HistoryTable, spec: SampledSpec): Row[] {
  const max = spec.maxStep === undefined ? Infinity : spec.maxStep + 1
  const [start, end] = indexRange(table, spec.minStep ?? -Infinity, max)
  const keys = [...new Set(spec.keys)]
  const matched: Row[] = []
  for (let i = start; i < end; i++) {
    const row = table.rowAt(i)
    const out: Row = {}
    let complete = true
    for (const key of keys) {
      const value = lookupKey(row, key)
      if (value === undefined) {
        complete = false
        break
      }
      out[key] = value
    }
    if (complete) matched.push(out)
  }
  return sampleIndices(0, matched.length, spec.samples).map((i) => jsonSafe(matched[i]) as Row)
}

/** W&B's `historyKeys`: flattened keys with type counts and last value, plus `lastStep`. */
export function historyKeysOf(table: HistoryTable): Record<string, unknown> {
  const keys = new Map<string, { counts: Map<string, number>; previousValue: unknown }>()
  for (let i = 0; i < table.rowCount; i++) {
    const flat = flattenRow(table.rowAt(i))
    for (const [key, value] of Object.entries(flat)) {
      let entry = keys.get(key)
      if (!entry) {
        entry = { counts: new Map(), previousValue: null }
        keys.set(key, entry)
      }
      const type = valueTypeName(value)
      entry.counts.set(type, (entry.counts.get(type) ?? 0) + 1)
      entry.previousValue = value
    }
  }
  const out: Record<string, unknown> = {}
  for (const [key, entry] of keys) {
    out[key] = {
      typeCounts: [...entry.counts].map(([type, count]) => ({ type, count })),
      previousValue: jsonSafe(entry.previousValue),
    }
  }
  return { keys: out, lastStep: lastStepOf(table) }
}

/** Replaces non-finite numbers (deeply) with the strings W&B's JSON fields carry instead. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
  if (Array.isArray(value)) return value.map(jsonSafe)
  if (isRecord(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v)
    return out
  }
  return value
}

/** Reads a step argument (a number, or Int64 text); BadRequestError otherwise. */
function toStep(value: number | string | null | undefined, name: string): number | undefined {
  if (value === null || value === undefined) return undefined
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new BadRequestError(`invalid ${name} ${JSON.stringify(value)}: expected an integer step`)
  }
  return n
}
