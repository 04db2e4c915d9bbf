/**
 * Ordering runs the way W&B's runs query takes `order`: `+created_at` (the default),
 * `-created_at`, `+summary_metrics.loss`, `-config.lr.value`, ...; a missing sign means
 * ascending. Runs without a value sort last in both directions; ties keep creation order.
 *
 * @module
 */
import { isRecord } from './history_table.ts'
import type { RunRecord } from './records.ts'
import { type RunField, runField } from './run_fields.ts'
import { compareValues } from './run_filters.ts'

/** A parsed ordering. */
export interface RunOrder {
  field: RunField
  descending: boolean
}

/** A run's position under an ordering: its (normalised) value and insertion sequence. */
export interface RunKey {
  v: number | string | boolean | null
  s: number
}

/** Parses an `order` argument (empty means `+created_at`). */
export function parseOrder(order: string | null | undefined): RunOrder {
  const text = (order ?? '').trim() || '+created_at'
  const descending = text.startsWith('-')
  const name = text.replace(/^[+-]/, '')
  return { field: runField(name), descending }
}

/** The sort key of a run under an ordering. */
export function runKey(order: RunOrder, run: RunRecord): RunKey {
  let v = order.field.read(run)
  if (order.field.isDate && typeof v === 'string') v = Date.parse(v + 'Z')
  if (typeof v === 'number' && Number.isNaN(v)) v = null
  if (v === undefined || Array.isArray(v) || isRecord(v)) v = null
  return { v: v as RunKey['v'], s: run.seq }
}

/** Compares two run keys under an ordering (nulls last, then insertion order). */
export function compareRunKeys(order: RunOrder, a: RunKey, b: RunKey): number {
  const an = a.v === null
  const bn = b.v === null
  if (an !== bn) return an ? 1 : -1
  if (!an) {
    const c = compareValues(a.v, b.v) ?? compareValues(typeof a.v, typeof b.v) ?? 0
    if (c !== 0) return order.descending ? -c : c
  }
  return a.s - b.s
}

/** Returns the runs sorted by an ordering (a new array). */
export function sortRuns(order: RunOrder, runs: Iterable<RunRecord>): RunRecord[] {
  const keyed = [...runs].map((run) => ({ run, key: runKey(order, run) }))
  keyed.sort((a, b) => compareRunKeys(order, a.key, b.key))
  return keyed.map((k) => k.run)
}
