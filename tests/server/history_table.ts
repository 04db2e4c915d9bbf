/**
 * A run's history (or system-metric) rows ordered by `_step`, addressed by index so that
 * generated runs of any size never have to exist in memory all at once.
 *
 * @module
 */
import type { Row } from '../../src/row.ts'

/** Rows ordered by step; `rowAt` returns a fresh object each call. */
export interface HistoryTable {
  /** Number of rows. */
  readonly rowCount: number
  /** The `_step` of the row at `index` (0 ≤ index < rowCount). */
  stepAt(index: number): number
  /** The row at `index`, as logged (nested objects stay nested). */
  rowAt(index: number): Row
}

/** A table over rows held in memory; rows without an integer `_step` get their index as step. */
export class ArrayHistoryTable implements HistoryTable {
  #rows: Row[]
  #steps: number[]

  /** Copies the row list (not the rows) and sorts it by step, keeping logged order for ties. */
  constructor(rows: readonly Row[]) {
    const indexed = rows.map((row, i) => {
      const s = row._step
      return { row, step: typeof s === 'number' && Number.isInteger(s) ? s : i }
    })
    indexed.sort((a, b) => a.step - b.step)
    this.#rows = indexed.map((r) => r.row)
    this.#steps = indexed.map((r) => r.step)
  }

  /** Number of rows. */
  get rowCount(): number {
    return this.#rows.length
  }

  /** The step of the row at `index`. */
  stepAt(index: number): number {
    return this.#steps[index]
  }

  /** A shallow copy of the row at `index`. */
  rowAt(index: number): Row {
    return { ...this.#rows[index] }
  }
}

/** Index of the first row whose step is ≥ `step` (rowCount when there is none). */
export function lowerBound(table: HistoryTable, step: number): number {
  let lo = 0
  let hi = table.rowCount
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (table.stepAt(mid) < step) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The half-open index range of rows with minStep ≤ step < maxStep. */
export function indexRange(
  table: HistoryTable,
  minStep: number,
  maxStep: number,
): [number, number] {
  const start = lowerBound(table, minStep)
  const end = Math.max(start, lowerBound(table, maxStep))
  return [start, end]
}

/** The step of the last row, or -1 for an empty table (W&B's `lastStep` convention). */
export function lastStepOf(table: HistoryTable): number {
  return table.rowCount === 0 ? -1 : table.stepAt(table.rowCount - 1)
}

/**
 * Indices of at most `samples` rows spread evenly over `[start, end)`, always keeping the first
 * and last; all of them when the range is small enough.
 */
export function sampleIndices(start: number, end: number, samples: number): number[] {
  const n = end - start
  const out: number[] = []
  if (n <= 0 || samples <= 0) return out
  if (n <= samples) {
    for (let i = start; i < end; i++) out.push(i)
    return out
  }
  if (samples === 1) return [start]
  for (let k = 0; k < samples; k++) out.push(start + Math.round((k * (n - 1)) / (samples - 1)))
  return out
}

/** Whether a value is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Flattens nested objects into dotted keys the way W&B's `historyKeys` lists them; objects
 * carrying a `_type` (media, tables, histograms) and empty objects stay whole as leaves.
 */
export function flattenRow(
  row: Row,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const key of Object.keys(row)) {
    const value = row[key]
    const name = prefix + key
    if (isRecord(value) && !('_type' in value) && Object.keys(value).length > 0) {
      flattenRow(value, name + '.', out)
    } else out[name] = value
  }
  return out
}

/** Looks up a dotted key in a nested row: the exact top-level key first, then the nested path. */
export function lookupKey(row: Row, key: string): unknown {
  if (key in row) return row[key]
  let node: unknown = row
  for (const part of key.split('.')) {
    if (!isRecord(node) || !(part in node)) return undefined
    node = node[part]
  }
  return node
}

/** The W&B type name of a value: number, string, bool, nil, list, map, or a media `_type`. */
export function valueTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'nil'
  if (typeof value === 'number') return 'number'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'bool'
  if (Array.isArray(value)) return 'list'
  if (isRecord(value) && typeof value._type === 'string') return value._type
  return 'map'
}
