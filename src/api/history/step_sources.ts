/**
 * The two kinds of step source a scan merges: one per Parquet export file (a row group per read)
 * and the GraphQL `history(minStep, maxStep, samples)` pages of a step range.
 *
 * @module
 */
import { integralFloatPaths } from '../../json/float_paths.ts'
import { parseJson } from '../../json/parse_json.ts'
import { setFloatKeys } from '../../row_floats.ts'
import type { Row } from '../../row.ts'
import { requestHistory, runNotFound } from './history_request.ts'
import { rowFromLive, rowsFromColumns, sortByStep } from './history_row.ts'
import { type HistoryRunRef, type HistoryTransport, runPathOf } from './history_target.ts'
import {
  badStepMessage,
  conflictMessage,
  HistoryShortfallError,
  type ShortfallMode,
} from './history_shortfall.ts'
import { type DecodedGroup, rowsOfGroup } from './decode_group.ts'
import type { ExportGroup, ParquetExportFile } from './parquet_export_file.ts'
import { HISTORY_PAGE_QUERY } from '../queries.ts'
import { decodeHistoryPage } from './history_responses.ts'
import { HistorySlice } from './history_slice.ts'
import type { StepSource } from './step_merge.ts'

/** Rows made into objects per read from a decoded row group (`ExportFileSource`). */
export const EXPORT_SLICE_ROWS = 8192

/** A decoded row group whose rows are handed out a slice at a time. */
interface HeldGroup {
  group: DecodedGroup
  /** The `_step` column. */
  steps: ArrayLike<unknown>
  /** First row not yet handed out. */
  pos: number
}

/**
 * Reads one export file's row groups that overlap `[minStep, stop)`. A group is decoded whole,
 * then turned into row objects `EXPORT_SLICE_ROWS` at a time, one slice per read (a group whose
 * steps are out of order, which W&B does not write, is read whole): the rows of a 100,000-row
 * group never all exist at once, and each slice is garbage before the collector promotes it. A
 * slice can also be read as columns (`readSlice`), with no row objects at all; each such slice
 * holds the group's lease (`decoded_columns.ts`) until it is released, and the source lets go of
 * its own hold when it has handed out the group's last row.
 */
export class ExportFileSource implements StepSource {
  #file: ParquetExportFile
  #groups: ExportGroup[]
  #minStep: number
  #stop: number
  #readAhead: boolean
  #next = 0
  #held: HeldGroup | undefined
  /** The in-range rows of a group whose steps were out of order, sorted, not yet read. */
  #sorted: Row[] | undefined

  /**
   * Reads `file` restricted to steps in `[minStep, stop)`; with `readAhead`, the next group's
   * bytes are fetched while the current one decodes.
   */
  constructor(file: ParquetExportFile, minStep: number, stop: number, readAhead = true) {
    this.#file = file
    this.#minStep = minStep
    this.#stop = stop
    this.#readAhead = readAhead
    this.#groups = file.hasRequestedColumns
      ? file.groups.filter((g) => g.maxStep >= minStep && g.minStep < stop)
      : []
  }

  /**
   * The smallest step not yet read: the next row of the group being sliced, else the next unread
   * group's (groups are sorted by it), or Infinity.
   */
  get nextStep(): number {
    const sorted = this.#sorted
    if (sorted && sorted.length > 0) return sorted[0]._step as number
    const held = this.#held
    if (held) {
      const step = firstStep(held.steps, held.pos, held.group.length)
      if (step !== undefined) return Math.max(step, this.#minStep)
    }
    const group = this.#groups[this.#next]
    return group ? Math.max(group.minStep, this.#minStep) : Infinity
  }

  /** Reads the next slice of rows (decoding the next row group first when none is held) in range. */
  async read(): Promise<Row[]> {
    if (!(await this.#hold())) return []
    if (this.#sorted) {
      const rows = this.#sorted
      this.#sorted = undefined
      return rows
    }
    const held = this.#held!
    const { names, data, length } = held.group
    const count = Math.min(EXPORT_SLICE_ROWS, length - held.pos)
    const rows = rowsFromColumns(names, data, count, held.pos)
    held.pos += count
    if (held.pos >= length) this.#drop()
    return this.#inRange(rows)
  }

  /**
   * Reads the next slice as columns, when its rows are exactly what {@linkcode read} would give:
   * every step an integer in `[minStep, stop)`, above `after` and below `before`, strictly
   * increasing. Otherwise reads nothing and returns undefined (a later `read` gets those rows).
   */
  async readSlice(after: number, before: number): Promise<HistorySlice | undefined> {
    if (!(await this.#hold()) || !this.#held) return undefined
    const held = this.#held
    const { names, data, length } = held.group
    const steps = held.steps
    // Rows before minStep (a scan starting inside the group) are never read: skip them.
    while (held.pos < length && (stepValue(steps[held.pos]) ?? Infinity) < this.#minStep) {
      held.pos++
    }
    if (held.pos >= length) {
      this.#drop()
      return undefined
    }
    const count = Math.min(EXPORT_SLICE_ROWS, length - held.pos)
    let last = Math.max(after, this.#minStep - 1)
    for (let i = held.pos; i < held.pos + count; i++) {
      const raw = steps[i]
      const step = typeof raw === 'bigint' ? Number(raw) : raw
      if (typeof step !== 'number' || !Number.isInteger(step) || step <= last) return undefined
      last = step
    }
    if (last >= this.#stop || last >= before) return undefined
    const lease = held.group.lease
    lease?.hold()
    const slice = new HistorySlice(names, data, steps, held.pos, count, lease)
    held.pos += count
    if (held.pos >= length) this.#drop()
    return slice
  }

  /** Done slicing the held group: lets go of it (slices handed out hold it on their own). */
  #drop(): void {
    this.#held?.group.lease?.letGo()
    this.#held = undefined
  }

  /**
   * Makes sure a group is held (decoding the next one when none is), or the sorted rows of one
   * whose steps are out of order; false when every group is read.
   */
  async #hold(): Promise<boolean> {
    if (this.#held || this.#sorted) return true
    const group = this.#groups[this.#next]
    if (!group) return false
    // The group's read starts (taking what was fetched or decoded ahead for it), then the next one's.
    const reading = this.#file.readGroupColumns(group)
    const ahead = this.#groups[this.#next + 1]
    if (ahead && this.#readAhead) this.#file.prefetch(ahead)
    const decoded = await reading
    this.#next++
    const steps = decoded.data[decoded.names.indexOf('_step')] ?? []
    if (stepsAscending(steps, decoded.length)) this.#held = { group: decoded, steps, pos: 0 }
    else {
      this.#sorted = this.#inRange(rowsOfGroup(decoded))
    }
    return true
  }

  /** The rows with a step in `[minStep, stop)`. */
  #inRange(rows: Row[]): Row[] {
    const step = (row: Row) => row._step as number
    return rows.filter((row) => step(row) >= this.#minStep && step(row) < this.#stop)
  }
}

/** A raw `_step` cell as a number (hyparquet gives INT64 as bigint), or undefined. */
function stepValue(raw: unknown): number | undefined {
  const n = typeof raw === 'bigint' ? Number(raw) : raw
  return typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : undefined
}

/** Whether the numeric steps of the first `length` cells never go down (cells without one skipped). */
function stepsAscending(steps: ArrayLike<unknown>, length: number): boolean {
  let last = -Infinity
  for (let i = 0; i < length; i++) {
    const step = stepValue(steps[i])
    if (step === undefined) continue
    if (step < last) return false
    last = step
  }
  return true
}

/** The first numeric step in cells `[from, length)`, or undefined. */
function firstStep(steps: ArrayLike<unknown>, from: number, length: number): number | undefined {
  for (let i = from; i < length; i++) {
    const step = stepValue(steps[i])
    if (step !== undefined) return step
  }
  return undefined
}

/** Options for {@linkcode LiveHistorySource}. */
export interface LiveSourceOptions {
  /** First step to read (inclusive). */
  from: number
  /** Step to stop before (exclusive). */
  stop: number
  /** Steps per request. */
  pageSize: number
  /** Cancels the requests. */
  signal?: AbortSignal
  /** Request the next page while one is parsed. @default true */
  readAhead?: boolean
  /** Malformed or conflicting rows: throw, or note them in `problems`. @default 'error' */
  onShortfall?: ShortfallMode
}

/**
 * Pages through `history(minStep, maxStep, samples)` by step ranges, as the SDK's legacy
 * `HistoryScan` and wandb-core's live-data reader do. Each page asks for `[from, from + pageSize)`
 * with `samples = maxStep - minStep`; rows outside the range (a server treating `maxStep` as
 * inclusive) are dropped here and read again with the next page. With `readAhead`, the request
 * for the next page is sent when a page is read, so it travels while this one is parsed.
 */
export class LiveHistorySource implements StepSource {
  #transport: HistoryTransport
  #run: HistoryRunRef
  #from: number
  #stop: number
  #pageSize: number
  #signal: AbortSignal | undefined
  #readAhead: boolean
  #ahead: { minStep: number; response: Promise<unknown> } | undefined
  #mode: ShortfallMode
  /** Malformed or conflicting rows seen (with `onShortfall: 'report'`). */
  readonly problems: string[] = []
  /** Rows the server sent without a numeric `_step` (skipped). */
  rowsWithoutStep = 0
  /** Pages read so far. */
  pages = 0

  /** Reads `run`'s history rows in `[options.from, options.stop)`. */
  constructor(transport: HistoryTransport, run: HistoryRunRef, options: LiveSourceOptions) {
    this.#transport = transport
    this.#run = run
    this.#from = options.from
    this.#stop = options.stop
    this.#pageSize = options.pageSize
    this.#signal = options.signal
    this.#readAhead = options.readAhead ?? true
    this.#mode = options.onShortfall ?? 'error'
  }

  /** Throws a shortfall error, or notes the problem when reporting. */
  #problem(message: string, step?: number): void {
    if (this.#mode === 'error') throw new HistoryShortfallError(runPathOf(this.#run), message, step)
    if (this.problems.length < 100) this.problems.push(message)
  }

  /** The first step of the next page, or Infinity when the range is read. */
  get nextStep(): number {
    return this.#from < this.#stop ? this.#from : Infinity
  }

  /** Fetches the next page of steps; an empty page does not end the scan (SDK ≥ 0.28.0). */
  async read(): Promise<Row[]> {
    if (this.#from >= this.#stop) return []
    const minStep = this.#from
    const maxStep = Math.min(minStep + this.#pageSize, this.#stop)
    const ahead = this.#ahead?.minStep === minStep ? this.#ahead.response : undefined
    this.#ahead = undefined
    const response = ahead ?? this.#request(minStep, maxStep)
    if (this.#readAhead && maxStep < this.#stop) {
      const next = this.#request(maxStep, Math.min(maxStep + this.#pageSize, this.#stop))
      // A failure is not handled here: it surfaces when that page is read.
      next.catch(() => {})
      this.#ahead = { minStep: maxStep, response: next }
    }
    const data = await response
    this.pages++
    const texts = decodeHistoryPage(data)
    if (!texts) throw runNotFound(this.#run, 'read the history')
    const rows: Row[] = []
    const seen = new Map<number, string>()
    for (const text of texts) {
      const parsed = parseJson(text)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new TypeError(
          `Cannot read a history row of steps ${minStep}-${maxStep - 1}: ` +
            `${text.slice(0, 80)} is not a JSON object; is the server a W&B API?`,
        )
      }
      const row = rowFromLive(parsed as Row)
      if (!row) {
        this.rowsWithoutStep++
        this.#problem(
          badStepMessage(runPathOf(this.#run), minStep, maxStep - 1, (parsed as Row)._step),
        )
        continue
      }
      // The row text keeps `1.0`; parsing loses it (see row_floats.ts).
      setFloatKeys(row, integralFloatPaths(text))
      const step = row._step as number
      if (step < minStep || step >= maxStep) continue
      const earlier = seen.get(step)
      if (earlier === text) continue // the same row twice: keep one
      if (earlier !== undefined) this.#problem(conflictMessage(runPathOf(this.#run), step), step)
      seen.set(step, text)
      rows.push(row)
    }
    this.#from = maxStep
    return sortByStep(rows)
  }

  /** Sends the `HistoryPage` request for steps `[minStep, maxStep)`. */
  #request(minStep: number, maxStep: number): Promise<unknown> {
    const variables = {
      entity: this.#run.entity,
      project: this.#run.project,
      run: this.#run.id,
      minStep,
      maxStep,
      pageSize: maxStep - minStep,
    }
    return requestHistory(this.#transport, this.#run, HISTORY_PAGE_QUERY, variables, this.#signal)
  }
}
