/**
 * Rebuilds a run's summary from its transaction log (format reference §4.4):
 * `S_hist` (each top-level history key set to its value in the last row that logged it; a
 * null value does not count, as wandb-core does not copy `None` into the summary)
 * overlaid by `S_rec` (every `SummaryRecord` update/remove applied by path, in file order).
 * Keys set or removed by summary records win over history-derived values.
 *
 * Memory is bounded by the number of distinct keys, not by run length: history rows are kept
 * as raw items of the latest row per top-level key, and summary operations as the latest
 * operation per path (an operation on a path supersedes earlier ones on it and below it).
 * Values are parsed only when the result is built.
 *
 * @module
 */
import type { HistoryRecord, Item, UpdateRecord } from './record_types.ts'
import type { Row } from '../row.ts'
import { deletePath, parseValueJson } from './history_record_row.ts'
import { defineKey, setPath } from '../json/json_edit.ts'

/** Options for building the summary. */
export interface SummaryResultOptions {
  /**
   * Include history-derived values (`S_hist`); false gives only what summary records say
   * (the "Summary after replay" column of the format reference's §5.2 tables).
   * @default true
   */
  fromHistory?: boolean
}

interface SummaryOp {
  path: string[]
  /** The value to set, or undefined for a removal. */
  valueJson: string | undefined
  /** Order of the latest operation on this path. */
  seq: number
}

const SEP = '\u0000'

/** Accumulates history rows and summary records, then builds the summary object. */
export class SummaryReplay {
  #hist = new Map<string, Item | Item[]>()
  #ops = new Map<string, SummaryOp>()
  #parents = new Set<string>()
  #seq = 0

  /** Takes one history row into `S_hist`; null values are skipped (they never update a summary). */
  addHistory(record: HistoryRecord): void {
    let seen: Set<string> | undefined
    for (const item of record.items) {
      if (item.valueJson === 'null') continue
      const top = item.path[0]
      if (seen?.has(top)) {
        const prev = this.#hist.get(top)!
        if (Array.isArray(prev)) prev.push(item)
        else this.#hist.set(top, [prev, item])
      } else {
        ;(seen ??= new Set()).add(top)
        this.#hist.set(top, item)
      }
    }
  }

  /** Takes one summary record (or a `RunRecord.summary`) into `S_rec`. */
  applySummary(update: UpdateRecord): void {
    for (const item of update.update) this.#op(item.path, item.valueJson)
    for (const item of update.remove) this.#op(item.path, undefined)
  }

  /** Records an operation on a path, superseding earlier operations on it and below it. */
  #op(path: string[], valueJson: string | undefined): void {
    const key = path.length === 1 ? path[0] : path.join(SEP)
    if (this.#parents.size > 0 && this.#parents.has(key)) {
      const prefix = key + SEP
      for (const k of this.#ops.keys()) if (k.startsWith(prefix)) this.#ops.delete(k)
    }
    // Updating in place with a new sequence number is cheaper than delete + set (which would
    // move the key to the end); result() orders operations by sequence number instead.
    const seq = this.#seq++
    const prev = this.#ops.get(key)
    if (prev !== undefined) {
      prev.path = path
      prev.valueJson = valueJson
      prev.seq = seq
    } else this.#ops.set(key, { path, valueJson, seq })
    for (let i = 1; i < path.length; i++) this.#parents.add(path.slice(0, i).join(SEP))
  }

  /** Builds the summary: `S_hist` overlaid by `S_rec`. */
  result(options: SummaryResultOptions = {}): Row {
    const out: Row = {}
    if (options.fromHistory ?? true) {
      for (const [top, items] of this.#hist) {
        if (!Array.isArray(items) && items.path.length === 1) {
          defineKey(out, top, parseValueJson(items.valueJson))
          continue
        }
        for (const item of Array.isArray(items) ? items : [items]) {
          setPath(out, item.path, parseValueJson(item.valueJson))
        }
      }
    }
    const ops = [...this.#ops.values()].sort((a, b) => a.seq - b.seq)
    for (const op of ops) {
      if (op.valueJson === undefined) deletePath(out, op.path)
      else setPath(out, op.path, parseValueJson(op.valueJson))
    }
    return out
  }
}
