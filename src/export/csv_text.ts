/**
 * RFC 4180 field and record text: fields holding a comma, quote, CR or LF are quoted with quotes
 * doubled; numbers use JavaScript's shortest round-trip spelling; NaN and ±Infinity are written as
 * `NaN`, `Infinity`, `-Infinity` (or `inf`/`-inf`); booleans as `true`/`false`; null and missing
 * values as an empty field; an empty string as `""`; objects and arrays as their JSON text
 * (NaN inside them as the JSON strings `"NaN"`, `"Infinity"`, `"-Infinity"`).
 *
 * @module
 */
import type { Row } from '../row.ts'
import { floatKeysOf, floatText } from '../row_floats.ts'
import { jsonText } from './json_text.ts'

/** Spelling of infinities in CSV: `Infinity`/`-Infinity`, or `inf`/`-inf` (which polars also parses as floats). */
export type CsvInfinity = 'Infinity' | 'inf'

const NEEDS_QUOTES = /[",\r\n]/

/** Quotes a text field when RFC 4180 requires it (and always quotes the empty string). */
export function csvQuote(text: string): string {
  if (text === '') return '""'
  return NEEDS_QUOTES.test(text) ? '"' + text.replaceAll('"', '""') + '"' : text
}

/** Text of one non-finite number. */
function nonFinite(value: number, infinity: CsvInfinity): string {
  if (value !== value) return 'NaN'
  return value > 0 ? infinity : '-' + infinity
}

/** Text of one field; numbers take the fast path in {@linkcode csvRecords}. */
export function csvField(value: unknown, infinity: CsvInfinity = 'Infinity'): string {
  switch (typeof value) {
    case 'number':
      if (value - value !== 0) return nonFinite(value, infinity)
      return value === 0 && 1 / value < 0 ? '-0' : '' + value
    case 'string':
      return csvQuote(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'undefined':
      return ''
    default:
      return value === null ? '' : csvQuote(jsonText(value, 'string'))
  }
}

/** The header record for the given names, ending with `eol`. */
export function csvHeader(names: readonly string[], eol: string): string {
  let line = ''
  for (let j = 0; j < names.length; j++) line += (j ? ',' : '') + csvQuote(names[j])
  return line + eol
}

/**
 * Records for rows[start..end) over the given columns, each ending with `eol`, as one string.
 * Integral numbers in `floatColumns` (by column index) and in a row's float keys
 * (`row_floats.ts`) are spelled as floats (`1.0`).
 * A row whose keys follow the column order (gaps allowed, the usual case) is read with one
 * `for…in`; any other row is read column by column.
 */
export function csvRecords(
  rows: readonly Row[],
  names: readonly string[],
  start: number,
  end: number,
  eol: string,
  infinity: CsvInfinity,
  floatColumns?: readonly boolean[],
): string {
  const n = names.length
  let out = ''
  for (let i = start; i < end; i++) {
    const row = rows[i]
    const floats = floatKeysOf(row)
    let line = ''
    let j = 0
    for (const key in row) {
      let k = j
      while (k < n && names[k] !== key) k++
      if (k === n) {
        j = -1
        break
      }
      for (; j < k; j++) if (j) line += ','
      const value = row[key]
      if (j++) line += ','
      if (typeof value === 'number' && value - value === 0) {
        if (
          (floatColumns !== undefined && floatColumns[k]) ||
          (floats !== undefined && floats.includes(key))
        ) line += floatText(value)
        else line += value !== 0 ? '' + value : csvField(value, infinity)
      } else if (value !== undefined && value !== null) line += csvField(value, infinity)
    }
    if (j < 0) line = csvRecordByColumn(row, names, infinity, floats, floatColumns)
    else for (; j < n; j++) if (j) line += ','
    // A record with one empty field would be a blank line, which readers skip.
    out += (n === 1 && line === '' ? '""' : line) + eol
  }
  return out
}

/** One record read column by column (for rows whose keys are out of column order or not all columns). */
function csvRecordByColumn(
  row: Row,
  names: readonly string[],
  infinity: CsvInfinity,
  floats: readonly string[] | undefined,
  floatColumns: readonly boolean[] | undefined,
): string {
  let line = ''
  for (let j = 0; j < names.length; j++) {
    const name = names[j]
    const value = name === '__proto__' && !Object.hasOwn(row, name) ? undefined : row[name]
    if (j) line += ','
    if (
      typeof value === 'number' &&
      ((floatColumns !== undefined && floatColumns[j]) ||
        (floats !== undefined && floats.includes(name)))
    ) {
      line += Number.isFinite(value) ? floatText(value) : csvField(value, infinity)
    } else if (value !== undefined && value !== null) line += csvField(value, infinity)
  }
  return line
}
