/**
 * Row objects into a row group's columns by reading each column's key from every row, with code
 * compiled for the column list: `row["loss"]` with a constant key is a load V8 and JavaScriptCore
 * cache per row shape, where walking each row's keys (`for…in`) and matching them to columns costs
 * a lookup per cell (figures: `bench/README.md`, "Row objects into columns, compiled"). It reads
 * every column of every row, so it only pays where rows hold most columns: the row group builder
 * (`parquet_group.ts`) takes it for dense rows and keeps walking keys for sparse ones. A runtime
 * that forbids compiling code (a page's Content-Security-Policy) gets `undefined` and the builder
 * walks keys.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { floatKeysOf } from '../row_floats.ts'
import { isIntNumber } from './column_kind.ts'

/** The column storage a transposer writes (the builder's `ColumnBuffer`). */
export interface TransposedColumn {
  /** Column name: the row key read. */
  readonly name: string
  /** Current kind. */
  kind: string
  /** Declared type, if any. */
  readonly declared: string | undefined
  /** Number storage of int and double columns. */
  nums?: Float64Array
  /** Null flags. */
  flags?: Uint8Array
}

/** Stores a value the fast path did not take (widening the column first): the builder's `#set`. */
export type SlowSet = (
  column: TransposedColumn,
  pos: number,
  value: unknown,
  float: boolean,
) => void

/**
 * Appends `rows[start..end)` at row `first` of the columns; returns the cells that held a value.
 * Each cell is stored exactly as the key-walking loop of `parquet_group.ts` stores it.
 */
export type RowTransposer = (
  rows: readonly Row[],
  start: number,
  end: number,
  first: number,
  columns: readonly TransposedColumn[],
  set: SlowSet,
) => number

/**
 * Most columns a transposer is compiled for: V8 optimizes functions up to about 60 KB of
 * bytecode, and a column costs about 100 bytes of it; wider groups walk keys.
 */
export const MAX_TRANSPOSED_COLUMNS = 256

/** Transposers by column list, newest last: a bulk export's parts share one schema, so one warm function. */
const compiled = new Map<string, RowTransposer | undefined>()

/** Most column lists whose transposers are kept. */
const KEPT_TRANSPOSERS = 16

/** The transposer for these column names (compiled once, then kept), or `undefined` where none can be. */
export function transposerFor(names: readonly string[]): RowTransposer | undefined {
  if (names.length > MAX_TRANSPOSED_COLUMNS) return undefined
  const key = JSON.stringify(names)
  if (compiled.has(key)) {
    const kept = compiled.get(key)
    compiled.delete(key)
    compiled.set(key, kept)
    return kept
  }
  const made = compileTransposer(names)
  compiled.set(key, made)
  if (compiled.size > KEPT_TRANSPOSERS) compiled.delete(compiled.keys().next().value!)
  return made
}

/**
 * Compiles a transposer for these column names with `compile` (the `Function` constructor), or
 * `undefined` when it refuses.
 */
export function compileTransposer(
  names: readonly string[],
  compile: FunctionConstructor = Function,
): RowTransposer | undefined {
  if (names.length > MAX_TRANSPOSED_COLUMNS) return undefined
  const lines = names.map((_, c) => `const c${c} = columns[${c}]`)
  lines.push(
    'let present = 0',
    'for (let i = start, pos = first; i < end; i++, pos++) {',
    'const row = rows[i]',
    'let floats = null',
    'let v, f',
  )
  names.forEach((name, c) => {
    const key = JSON.stringify(name)
    // A key Object.prototype has (`constructor`, `__proto__`) is a row's only when its own.
    const read = name in Object.prototype
      ? `Object.hasOwn(row, ${key}) ? row[${key}] : undefined`
      : `row[${key}]`
    lines.push(
      `v = ${read}`,
      'if (v !== undefined && v !== null) {',
      'present++',
      "if (typeof v === 'number') {",
      'f = false',
      `if (c${c}.declared === undefined) { if (floats === null) floats = floatKeysOf(row); f = floats?.includes(${key}) === true }`,
      `if (c${c}.kind === 'double' || (c${c}.kind === 'int' && !f && isInt(v))) { c${c}.nums[pos] = v; c${c}.flags[pos] = 1 }`,
      `else set(c${c}, pos, v, f)`,
      `} else set(c${c}, pos, v, false)`,
      '}',
    )
  })
  lines.push('}', 'return present')
  try {
    const make = new compile(
      'floatKeysOf',
      'isInt',
      `return (rows, start, end, first, columns, set) => {\n${lines.join('\n')}\n}`,
    )
    return make(floatKeysOf, isIntNumber) as RowTransposer
  } catch {
    return undefined // EvalError: compiling code is not allowed here
  }
}
