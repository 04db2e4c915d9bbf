/**
 * The open Parquet row group, held column by column: numbers in a Float64Array, booleans and
 * null flags in a Uint8Array, strings and JSON text in arrays. Row objects are not kept, so a
 * numeric cell costs 9 bytes. A group holds at most `rowGroupSize` rows and at most
 * `rowGroupCells` cells (rows × columns), so wide rows make shorter groups instead of more memory.
 * Each column's kind widens as values arrive (see `column_kind.ts`); values already held are
 * converted when a column widens to JSON. Storage grows with the rows the group holds (from 1,024
 * rows, doubling, up to the group's limit, so a 1,000-row file never holds buffers for 47,000)
 * and is reused by every later group (only the null flags are cleared), so the hot path fills no
 * new buffers; the storage outgrown, and all of it once the file is done
 * ({@linkcode RowGroupBuilder.release}), goes back to `buffer_pool.ts` for the next file.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { ColumnBatch } from './column_batch.ts'
import { floatKeysOf } from '../row_floats.ts'
import { type ColumnKind, type ColumnType, isIntNumber, kindOf, widenKind } from './column_kind.ts'
import { giveBack, takeFloats, takeZeroedBytes } from './buffer_pool.ts'
import { jsonText } from './json_text.ts'
import { type NumericData, numericValues } from './parquet_numeric.ts'
import { type JsonColumns, physicalKind } from './parquet_schema.ts'
import { type RowTransposer, transposerFor } from './row_transposer.ts'

/** One column's data as hyparquet-writer takes it. */
export interface GroupColumn {
  /** Column name. */
  name: string
  /** Values: typed arrays when dense, plain arrays with nulls otherwise. */
  data: ArrayLike<unknown>
  /** Per-column statistics switch (off for JSON, whose min/max would be whole documents). */
  statistics?: boolean
  /** The typed storage of an int or double column, for the fast writer (`parquet_numeric.ts`). */
  numeric?: NumericData
}

/** Limits and typing rules of a RowGroupBuilder. */
export interface RowGroupLimits {
  /** Most rows per group. */
  rowGroupSize: number
  /** Most cells (rows × columns) per group. */
  rowGroupCells: number
  /** Declared column types: the starting kind of those columns. */
  declared: Readonly<Record<string, ColumnType>>
  /** Throw instead of widening past a declared type (for a schema already written). */
  strict: boolean
  /** Append dense rows through code compiled for the columns (`row_transposer.ts`). @default true */
  transpose?: boolean
}

/** The values of one column in the open group. */
interface ColumnBuffer {
  name: string
  kind: ColumnKind
  declared: ColumnType | undefined
  /** int/double values. */
  nums?: Float64Array
  /** 0 = null, 1 = set (for bool: 1 = false, 2 = true). */
  flags?: Uint8Array
  /** string values or JSON text. */
  texts?: (string | null)[]
}

/** Accumulates rows into columns until a row group is full. */
export class RowGroupBuilder {
  /** Rows held. */
  length = 0
  #columns: ColumnBuffer[] = []
  #byName = new Map<string, ColumnBuffer>()
  /** The previous row's keys, and their columns (undefined: not a column). */
  #lastKeys: string[] = []
  #lastColumns: (ColumnBuffer | undefined)[] = []
  #limits: RowGroupLimits
  #limit: number
  /** Rows every column's storage holds. */
  #capacity = 0
  /** Compiled for the current columns (`row_transposer.ts`) once rows are found dense; null: cannot. */
  #transposer: RowTransposer | null | undefined
  /** Rows appended key by key, and their cells that held a value, since the last judgment. */
  #seenRows = 0
  #seenCells = 0
  /** Stores a value the transposer's fast path did not take. */
  readonly #slowSet = (column: unknown, pos: number, value: unknown, float: boolean): void =>
    this.#set(column as ColumnBuffer, pos, value, float)

  /** Creates an empty builder. */
  constructor(limits: RowGroupLimits) {
    this.#limits = limits
    this.#limit = this.#computeLimit()
  }

  /** Column names in order. */
  get names(): string[] {
    return this.#columns.map((c) => c.name)
  }

  /** Current kinds in column order. */
  get kinds(): ColumnKind[] {
    return this.#columns.map((c) => c.kind)
  }

  /** Physical kinds in column order (what the schema needs). */
  get physicalKinds(): ColumnType[] {
    return this.#columns.map((c) => physicalKind(c.kind))
  }

  /** Whether rows now go through the compiled transposer rather than key by key. */
  get transposing(): boolean {
    return this.#transposer != null
  }

  /** Rows that still fit in this group (0 means: flush before appending). */
  get room(): number {
    return Math.max(0, this.#limit - this.length)
  }

  /** Matches the column list to `names` (which only grows, or gains `_step` in front). */
  sync(names: readonly string[]): void {
    if (names.length === this.#columns.length) return
    const byName = new Map(this.#columns.map((c) => [c.name, c]))
    const declared = this.#limits.declared
    this.#columns = names.map((name) => {
      const known = byName.get(name)
      if (known) return known
      const type = Object.hasOwn(declared, name) ? declared[name] : undefined
      const column: ColumnBuffer = { name, kind: type ?? 'null', declared: type }
      this.#allocate(column)
      return column
    })
    this.#byName = new Map(this.#columns.map((c) => [c.name, c]))
    this.#lastKeys.length = this.#lastColumns.length = 0
    this.#transposer = undefined
    this.#seenRows = this.#seenCells = 0
    // Only shrink the limit mid-group: buffers already allocated hold the old, larger one.
    this.#limit = Math.min(this.#limit, this.#computeLimit())
  }

  /**
   * Appends rows[start..end); the caller keeps end - start within `room`. Dense rows go through
   * code compiled for the columns (`row_transposer.ts`), others row by row, key by key: rows of one
   * source usually share their key order, so each key is matched against the previous row's key at
   * the same position (interned strings: a pointer compare) before a map lookup. Both store every
   * cell the same way. Every {@linkcode PROBE_ROWS} rows or more, the rows are judged: walked rows
   * that set at least half the columns switch to the transposer, transposed rows that set less
   * than a quarter switch back.
   */
  append(rows: readonly Row[], start: number, end: number): void {
    const need = this.length + end - start
    if (need > this.#capacity) this.#grow(need)
    const transposer = this.#transposer
    const cells = transposer
      ? transposer(rows, start, end, this.length, this.#columns, this.#slowSet)
      : this.#appendByKey(rows, start, end)
    this.length = need
    if (transposer === null || this.#limits.transpose === false) return
    this.#seenRows += end - start
    this.#seenCells += cells
    if (this.#seenRows < PROBE_ROWS) return
    const width = this.#columns.length
    if (transposer && this.#seenCells * 4 < this.#seenRows * width) this.#transposer = undefined
    else if (!transposer && this.#seenCells * 2 >= this.#seenRows * width) {
      this.#transposer = transposerFor(this.#columns.map((c) => c.name)) ?? null
    }
    this.#seenRows = this.#seenCells = 0
  }

  /** Appends rows key by key at `length` (see {@linkcode RowGroupBuilder.append}); returns the cells set. */
  #appendByKey(rows: readonly Row[], start: number, end: number): number {
    const byName = this.#byName
    const lastKeys = this.#lastKeys
    const lastColumns = this.#lastColumns
    let pos = this.length
    let cells = 0
    for (let i = start; i < end; i++, pos++) {
      const row = rows[i]
      let floats: readonly string[] | undefined | null = null
      let k = 0
      for (const key in row) {
        let column: ColumnBuffer | undefined
        if (lastKeys[k] === key) column = lastColumns[k]
        else {
          column = byName.get(key)
          lastKeys[k] = key
          lastColumns[k] = column
        }
        k++
        if (column === undefined) continue
        const value = row[key]
        if (value === undefined || value === null) continue
        cells++
        let float = false
        if (typeof value === 'number') {
          const kind = column.kind
          // A value the source spelled as a float (`1.0`, row_floats.ts) makes an undeclared
          // column DOUBLE rather than INT64.
          if (column.declared === undefined) {
            if (floats === null) floats = floatKeysOf(row)
            float = floats?.includes(key) === true
          }
          if (kind === 'double' || (kind === 'int' && !float && isIntNumber(value))) {
            column.nums![pos] = value
            column.flags![pos] = 1
            continue
          }
        }
        this.#set(column, pos, value, float)
      }
    }
    return cells
  }

  /**
   * Appends rows `[from, to)` of a column batch, as {@linkcode RowGroupBuilder.append} would the
   * same cells as rows (a bigint as its number); the caller keeps `to - from` within `room`, and
   * every name must be a column here.
   */
  appendColumns(batch: ColumnBatch, from: number, to: number): void {
    const need = this.length + to - from
    if (need > this.#capacity) this.#grow(need)
    const first = this.length
    const offset = batch.start + from
    for (let c = 0; c < batch.names.length; c++) {
      const column = this.#byName.get(batch.names[c])
      if (column === undefined) {
        throw new RangeError(`Cannot append column "${batch.names[c]}": the row group has none`)
      }
      const cells = batch.data[c]
      if (cells instanceof Float64Array && column.kind === 'double') {
        // A dense decoded DOUBLE column (`flat_doubles.ts`): every cell is a number.
        column.nums!.set(cells.subarray(offset, offset + to - from), first)
        column.flags!.fill(1, first, need)
        continue
      }
      for (let r = 0, pos = first; r < to - from; r++, pos++) {
        const raw = cells[offset + r]
        if (raw === undefined || raw === null) continue
        const value = typeof raw === 'bigint' ? Number(raw) : raw
        if (typeof value === 'number') {
          const kind = column.kind
          if (kind === 'double' || (kind === 'int' && isIntNumber(value))) {
            column.nums![pos] = value
            column.flags![pos] = 1
            continue
          }
        }
        this.#set(column, pos, value, false)
      }
    }
    this.length = need
  }

  /**
   * The held data as hyparquet-writer columns (JSON as UTF-8 bytes unless `jsonColumns` is
   * 'string'); int and double columns also carry their typed storage, and build `data` only when
   * asked. Valid until {@linkcode RowGroupBuilder.reset}.
   */
  columnData(jsonColumns: JsonColumns): GroupColumn[] {
    const n = this.length
    return this.#columns.map((column): GroupColumn => {
      const { name, nums, flags, texts } = column
      switch (column.kind) {
        case 'null':
          return { name, data: new Array(n).fill(null) }
        case 'double':
        case 'int': {
          const numeric = { nums: nums!, flags: flags!, length: n, int: column.kind === 'int' }
          let data: ArrayLike<unknown> | undefined
          return {
            name,
            numeric,
            get data() {
              return data ??= numericValues(numeric)
            },
          }
        }
        case 'bool': {
          const data = new Array<boolean | null>(n)
          for (let i = 0; i < n; i++) data[i] = flags![i] === 0 ? null : flags![i] === 2
          return { name, data }
        }
        case 'string':
          return { name, data: texts!.length === n ? texts! : texts!.slice(0, n) }
        case 'json': {
          if (jsonColumns === 'string') return { name, data: texts!.slice(0, n), statistics: false }
          const encoder = new TextEncoder()
          const data = new Array<Uint8Array | null>(n)
          for (let i = 0; i < n; i++) {
            const text = texts![i]
            data[i] = text === null ? null : encoder.encode(text)
          }
          return { name, data, statistics: false }
        }
      }
    })
  }

  /**
   * Gives every column's storage back to the pool once the file is done (no data `columnData`
   * handed out is used any more); a later row starts the storage again from 1,024 rows.
   */
  release(): void {
    for (const column of this.#columns) {
      if (column.nums) giveBack(column.nums)
      if (column.flags) giveBack(column.flags)
      column.nums = column.flags = undefined
    }
    this.length = 0
    this.#capacity = 0
    for (const column of this.#columns) this.#allocate(column)
  }

  /**
   * Empties the group: kinds and storage stay (the data handed out by `columnData` is no longer
   * valid), null flags and texts are cleared. Number storage that was moved to another thread (its
   * arrays detached) is taken anew from the pool at the same capacity.
   */
  reset(): void {
    const n = this.length
    this.length = 0
    this.#limit = Math.min(this.#limit, this.#computeLimit())
    for (const column of this.#columns) {
      const { nums, flags } = column
      if (nums && nums.length === 0 && this.#capacity > 0) column.nums = takeFloats(this.#capacity)
      if (flags && flags.length === 0 && this.#capacity > 0) {
        column.flags = takeZeroedBytes(this.#capacity)
      } else flags?.fill(0, 0, n)
      column.texts?.fill(null, 0, n)
    }
  }

  /** Rows per group allowed by both limits for the current column count. */
  #computeLimit(): number {
    const { rowGroupSize, rowGroupCells } = this.#limits
    return Math.max(
      1,
      Math.min(rowGroupSize, Math.floor(rowGroupCells / Math.max(1, this.#columns.length))),
    )
  }

  /** Stores a value the fast path did not take, widening the column's kind first if needed. */
  #set(column: ColumnBuffer, pos: number, value: unknown, float = false): void {
    const kind = widenKind(column.kind, float ? 'double' : kindOf(value))
    if (kind !== column.kind) this.#widen(column, kind, pos, value)
    switch (column.kind) {
      case 'int':
      case 'double':
        column.nums![pos] = Number(value)
        column.flags![pos] = 1
        return
      case 'bool':
        column.flags![pos] = value ? 2 : 1
        return
      case 'string':
        column.texts![pos] = value as string
        return
      case 'json':
        column.texts![pos] = jsonText(value, 'string')
    }
  }

  /** Changes a column's kind, converting the `filled` values already held in this group. */
  #widen(column: ColumnBuffer, kind: ColumnKind, filled: number, value: unknown): void {
    if (this.#limits.strict) {
      throw new TypeError(
        `Cannot write ${
          jsonText(value)
        } to Parquet column "${column.name}" declared as ${column.declared}: ` +
          `declare it as ${kind}, or leave its type out so the exporter infers and widens it`,
      )
    }
    const from = column.kind
    column.kind = kind
    if (from === 'null') return this.#allocate(column)
    if (kind === 'double') return // int and double share storage
    // Every other change ends in JSON text.
    const { nums, flags, texts: old } = column
    const texts = new Array<string | null>(Math.max(this.#capacity, filled)).fill(null)
    for (let i = 0; i < filled; i++) {
      if (old) texts[i] = old[i] === null ? null : JSON.stringify(old[i])
      else if (flags![i] === 0) continue
      else if (from === 'bool') texts[i] = flags![i] === 2 ? 'true' : 'false'
      else texts[i] = jsonText(nums![i])
    }
    column.texts = texts
    column.nums = column.flags = undefined
  }

  /** Creates empty storage for the column's kind, sized for the current capacity. */
  #allocate(column: ColumnBuffer): void {
    const size = Math.max(this.#capacity, this.length)
    const kind = column.kind
    if (kind === 'int' || kind === 'double') {
      column.nums ??= takeFloats(size)
      column.flags ??= takeZeroedBytes(size)
    } else if (kind === 'bool') {
      column.flags ??= takeZeroedBytes(size)
    } else if (kind === 'string' || kind === 'json') {
      column.texts ??= new Array<string | null>(size).fill(null)
    }
  }

  /** Grows every column's storage to hold at least `need` rows, keeping the rows held. */
  #grow(need: number): void {
    const doubled = Math.min(this.#limit, Math.max(INITIAL_ROWS, this.#capacity * 2))
    const capacity = Math.max(need, doubled)
    const n = this.length
    for (const column of this.#columns) {
      const { nums, flags, texts } = column
      if (nums) {
        column.nums = takeFloats(capacity)
        column.nums.set(nums.subarray(0, n))
        giveBack(nums)
      }
      if (flags) {
        column.flags = takeZeroedBytes(capacity)
        column.flags.set(flags.subarray(0, n))
        giveBack(flags)
      }
      if (texts) { for (let i = texts.length; i < capacity; i++) texts.push(null) }
    }
    this.#capacity = capacity
  }
}

/** Rows of storage a group starts with. */
const INITIAL_ROWS = 1024

/** Fewest rows between two judgments of whether the rows are dense enough for the transposer. */
export const PROBE_ROWS = 64
