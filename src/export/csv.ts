/**
 * CSV export (RFC 4180, UTF-8, header row; LF line endings unless `lineEnding: 'crlf'`; no BOM
 * unless `bom: true`). Field spelling is described in `csv_text.ts`.
 *
 * With `columns`, records stream straight through: the header is known, other keys are dropped.
 * Without, the header is only known at the end (W&B history is sparse and keys can first appear
 * at any step), so records are held (in memory up to `memoryBytes`, then in a temporary file)
 * and replayed after the header, with records written before a key first appeared padded with
 * empty fields. Columns are `_step` first, then keys in first-seen order; keys first seen after
 * the first batch are appended at the end. Memory stays bounded either way; the first byte of
 * output waits for the end of the input only in the second case.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { ColumnType } from './column_kind.ts'
import { ColumnOrder } from './column_order.ts'
import { csvHeader, type CsvInfinity, csvRecords } from './csv_text.ts'
import { CsvSpool } from './csv_spool.ts'
import {
  type ByteOutput,
  encoderStream,
  type ExportStream,
  type RowEncoder,
} from './export_stream.ts'
import { flattenRow } from './flatten.ts'

/** Options of {@linkcode toCsv}. */
export interface CsvOptions {
  /** Columns to write, in this order; other keys are dropped and the output streams. @default discovered */
  columns?: string[]
  /** Declared column types: integral numbers in `double` columns are written as floats (`1.0`). @default none */
  types?: Record<string, ColumnType>
  /** Turn nested objects into dotted columns (`a.b`); `_type` objects and arrays stay JSON text. @default true */
  flatten?: boolean
  /** Record terminator: `lf` (`\n`) or `crlf` (`\r\n`, the RFC 4180 spelling). @default 'lf' */
  lineEnding?: 'lf' | 'crlf'
  /** Start with a UTF-8 byte order mark (for old Excel). @default false */
  bom?: boolean
  /** Spelling of infinities: `Infinity` or `inf` (polars reads only the latter as a float). @default 'Infinity' */
  infinity?: CsvInfinity
  /** Without `columns`: bytes of records held in memory before they move to a temporary file. @default 8388608 */
  memoryBytes?: number
  /** Without `columns`: folder for the temporary file. @default the OS temp folder (`os.tmpdir()`) */
  tempDir?: string
}

/** Creates a stream that encodes rows or row batches as CSV bytes. */
export function toCsv(options: CsvOptions = {}): ExportStream {
  return encoderStream(new CsvEncoder(options))
}

/** The CSV RowEncoder: streams with fixed columns, spools otherwise. */
class CsvEncoder implements RowEncoder {
  #order: ColumnOrder
  #flatten: boolean
  #eol: string
  #bom: boolean
  #infinity: CsvInfinity
  #types: Record<string, ColumnType> | undefined
  #spool: CsvSpool | undefined
  #headerSent = false
  #text = new TextEncoder()

  /** Checks the options and picks streaming (fixed columns) or spooling. */
  constructor(options: CsvOptions) {
    const { lineEnding = 'lf', infinity = 'Infinity', memoryBytes = 8 << 20 } = options
    if (lineEnding !== 'lf' && lineEnding !== 'crlf') {
      throw new RangeError(`Cannot write CSV with lineEnding "${lineEnding}": use "lf" or "crlf"`)
    }
    if (infinity !== 'Infinity' && infinity !== 'inf') {
      throw new RangeError(`Cannot write CSV with infinity "${infinity}": use "Infinity" or "inf"`)
    }
    if (!(memoryBytes >= 0)) {
      throw new RangeError(`Cannot use memoryBytes ${memoryBytes}: it must be a number ≥ 0`)
    }
    this.#order = new ColumnOrder(options.columns)
    this.#flatten = options.flatten ?? true
    this.#eol = lineEnding === 'crlf' ? '\r\n' : '\n'
    this.#bom = options.bom ?? false
    this.#infinity = infinity
    this.#types = options.types
    if (!this.#order.fixed) this.#spool = new CsvSpool(memoryBytes, options.tempDir)
  }

  /** Encodes a batch: to the output when the columns are fixed, else to the spool. */
  async write(batch: Row[], out: ByteOutput): Promise<void> {
    const rows = this.#flatten ? batch.map(flattenRow) : batch
    const order = this.#order
    if (!this.#spool) {
      const text = this.#header() +
        csvRecords(rows, order.names, 0, rows.length, this.#eol, this.#infinity, this.#floats())
      if (text) await out.push(this.#text.encode(text))
      return
    }
    order.discover(rows)
    order.freeze()
    if (!rows.length) return
    const text = csvRecords(rows, order.names, 0, rows.length, '\n', this.#infinity, this.#floats())
    await this.#spool.append(this.#text.encode(text), rows.length, order.names.length)
  }

  /** Writes the header (if not yet sent) and replays spooled records. */
  async close(out: ByteOutput): Promise<void> {
    const spool = this.#spool
    if (spool && this.#order.names.length === 0) return
    const header = this.#header()
    if (header) await out.push(this.#text.encode(header))
    if (spool) await spool.replay(out, this.#order.names.length, this.#eol)
  }

  /** Removes the spool's temporary file. */
  async dispose(): Promise<void> {
    await this.#spool?.dispose()
  }

  /** Which columns are declared double, by index (undefined without declared types). */
  #floats(): boolean[] | undefined {
    const types = this.#types
    return types ? this.#order.names.map((name) => types[name] === 'double') : undefined
  }

  /** The BOM and header the first time, then ''. */
  #header(): string {
    if (this.#headerSent) return ''
    this.#headerSent = true
    return (this.#bom ? '\ufeff' : '') + csvHeader(this.#order.names, this.#eol)
  }
}
