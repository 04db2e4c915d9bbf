/**
 * Reduces a stream of history or system rows to one ColumnReducer per numeric key, against one
 * x key, in memory bounded by the key count times the bucket count (never by the row count).
 *
 * @module
 */
import type { Row } from '../row.ts'
import { flattenRow } from '../export/flatten.ts'
import { ColumnReducer, type ReducedSeries } from './column_reducer.ts'

/** Options of reduceRows. */
export interface ReduceRowsOptions {
  /** The key whose value is each point's x (after flattening nested keys with dots). */
  xKey: string
  /**
   * Only these keys (exact names, or a prefix followed by `.` or `/`); default every numeric key
   * not starting with `_`.
   */
  keys?: string[]
  /** The most series kept; further keys are counted in `droppedKeys`. @default 500 */
  maxKeys?: number
  /** Buckets per series (about the chart's pixel width times two). @default 2000 */
  maxBuckets?: number
  /** Cancels the read. */
  signal?: AbortSignal
}

/** Every reduced series of a row stream. */
export interface SeriesSet {
  /** The x key the points are plotted against. */
  xKey: string
  /** Reduced series by key, in the order keys were first seen. */
  series: Map<string, ReducedSeries>
  /** Rows read. */
  rows: number
  /** Rows without a numeric x (not plotted). */
  rowsWithoutX: number
  /** Keys past `maxKeys`, not plotted. */
  droppedKeys: string[]
}

/** Whether `key` is `wanted` or under it (`train` and `train/` select `train/loss` and `train.acc`). */
export function keyMatches(key: string, wanted: string): boolean {
  if (key === wanted) return true
  if (wanted.endsWith('/') || wanted.endsWith('.')) return key.startsWith(wanted)
  return key.startsWith(wanted + '.') || key.startsWith(wanted + '/')
}

/** Whether a key is selected by a `--keys` list; without one, every key not starting with `_`. */
export function keySelected(key: string, keys: string[] | undefined): boolean {
  if (!keys || keys.length === 0) return !key.startsWith('_')
  return keys.some((k) => keyMatches(key, k))
}

/** Reads every row of a stream and reduces each numeric key; see the module doc. */
export async function reduceRows(
  rows: ReadableStream<Row[]>,
  options: ReduceRowsOptions,
): Promise<SeriesSet> {
  const maxKeys = options.maxKeys ?? 500
  const reducers = new Map<string, ColumnReducer>()
  const skipped = new Set<string>()
  const dropped: string[] = []
  let count = 0
  let withoutX = 0
  const reader = rows.getReader()
  try {
    while (true) {
      options.signal?.throwIfAborted()
      const { done, value } = await reader.read()
      if (done) break
      for (const raw of value) {
        count++
        const row = flattenRow(raw)
        const x = row[options.xKey]
        if (typeof x !== 'number' || !Number.isFinite(x)) {
          withoutX++
          continue
        }
        for (const key in row) {
          if (key === options.xKey) continue
          const y = row[key]
          if (typeof y !== 'number') continue
          let reducer = reducers.get(key)
          if (!reducer) {
            if (skipped.has(key)) continue
            if (!keySelected(key, options.keys)) {
              skipped.add(key)
              continue
            }
            if (reducers.size >= maxKeys) {
              skipped.add(key)
              dropped.push(key)
              continue
            }
            reducer = new ColumnReducer({ maxBuckets: options.maxBuckets })
            reducers.set(key, reducer)
          }
          reducer.add(x, y)
        }
      }
    }
  } catch (err) {
    await reader.cancel(err).catch(() => {})
    throw err
  } finally {
    reader.releaseLock()
  }
  const series = new Map<string, ReducedSeries>()
  for (const [key, reducer] of reducers) series.set(key, reducer.finish())
  return { xKey: options.xKey, series, rows: count, rowsWithoutX: withoutX, droppedKeys: dropped }
}
