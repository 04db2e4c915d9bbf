/**
 * Parquet export through hyparquet-writer's incremental `ParquetWriter`, one row group at a time.
 *
 * Types: integer-only numbers → INT64; numbers with any fraction, NaN or ±Infinity → DOUBLE;
 * booleans → BOOLEAN; strings → STRING; objects, arrays and media → JSON text (with NaN and
 * ±Infinity inside spelled as the strings "NaN", "Infinity", "-Infinity"); a column that is only
 * ever null → DOUBLE. A column whose values disagree widens: int + double → DOUBLE; any other
 * mix → JSON text of each value (see `column_kind.ts`).
 *
 * Streaming: when `columns` are given and `types` declares every one of them, row groups go
 * straight to the output (a value outside its declared type is then an error). Otherwise types
 * are inferred from the first row group (`rowGroupSize` rows) and row groups go to a temporary
 * file in `tempDir`; a row group that brings a new column or a wider type starts a new temporary
 * file, and at the end the files are joined under the widest schema (see `parquet_spool.ts`), so
 * nothing is lost. Output that fits in one row group never touches the disk. Memory is one row
 * group (`rowGroupSize` rows, at most `rowGroupCells` cells) plus its encoding.
 *
 * Columns: `_step` first, then keys in first-seen order, or exactly `columns`. An export with no
 * columns at all gets one empty INT64 `_step` column, since DuckDB cannot open a file without
 * columns.
 *
 * @module
 */
import { ParquetWriter } from 'hyparquet-writer'
import type { Row } from '../row.ts'
import { VERSION } from '../version.ts'
import { checkColumnType, type ColumnType } from './column_kind.ts'
import type { ColumnBatch } from './column_batch.ts'
import { ColumnOrder } from './column_order.ts'
import {
  type ByteOutput,
  encoderStream,
  type ExportStream,
  type RowEncoder,
} from './export_stream.ts'
import { flattenRow } from './flatten.ts'
import { type CodecSetup, codecSetup, type ParquetCodec } from './parquet_codec.ts'
import { type GroupColumn, RowGroupBuilder } from './parquet_group.ts'
import { sendRowGroup, writeRowGroup } from './parquet_row_group.ts'
import type { ParquetWorkers } from './parquet_workers.ts'
import { arrowSchemaBase64, type ArrowType } from './arrow_schema.ts'
import { buildSchema, type JsonColumns, markJsonColumns } from './parquet_schema.ts'
import { fileWriter, outputWriter, type SinkWriter } from './parquet_sink.ts'
import { copySegment, rewriteSegments, type Segment } from './parquet_spool.ts'
import { createTempFile, discardTempFile, type TempFile } from './temp_file.ts'

/** Options of {@linkcode toParquet}. */
export interface ParquetOptions {
  /** Columns to write, in this order; other keys are dropped. @default discovered */
  columns?: string[]
  /** Declared column types; with `columns` all declared, output streams without a temporary file. @default inferred */
  types?: Record<string, ColumnType>
  /** Turn nested objects into dotted columns (`a.b`); `_type` objects and arrays stay JSON. @default true */
  flatten?: boolean
  /** Compression codec. @default 'snappy' */
  codec?: ParquetCodec
  /** Most rows per row group (the first one is also the type-inference sample). @default 100000 */
  rowGroupSize?: number
  /** Most cells (rows × columns) per row group, which bounds memory: 1M cells is about 40k rows of 25 columns. @default 1000000 */
  rowGroupCells?: number
  /** Parquet type of JSON columns: `json` (JSON logical type) or `string` (plain STRING, for polars). @default 'json' */
  jsonColumns?: JsonColumns
  /** Key/value metadata stored in the file footer. @default {} */
  metadata?: Record<string, string>
  /** Folder for temporary files. @default the OS temp folder (`os.tmpdir()`) */
  tempDir?: string
  /** End a row group after every written batch (a followed run: one group per flush interval). @default false */
  groupPerWrite?: boolean
}

/** {@linkcode ParquetOptions} plus what wbx's own callers (the bulk export) may pass. */
export interface ParquetInternalOptions extends ParquetOptions {
  /**
   * Encode row groups on these worker threads (`parquet_workers.ts`) when the output streams
   * (every column declared); the bytes are the same either way. @default the calling thread
   */
  workers?: ParquetWorkers
}

/** Creates a stream that encodes rows or row batches as one Parquet file. */
export function toParquet(options: ParquetOptions = {}): ExportStream {
  return encoderStream(new ParquetEncoder(options))
}

/** An open ParquetWriter and where it writes. */
interface OpenFile {
  writer: ParquetWriter
  sink: SinkWriter
  names: string[]
  kinds: ColumnType[]
  file?: TempFile
}

/** The Parquet RowEncoder. */
class ParquetEncoder implements RowEncoder {
  #order: ColumnOrder
  #builder: RowGroupBuilder
  #flatten: boolean
  #direct: boolean
  #codec: CodecSetup
  #jsonColumns: JsonColumns
  #metadata: { key: string; value: string }[] | undefined
  #tempDir: string | undefined
  #open: OpenFile | undefined
  #segments: Segment[] = []
  #done = false
  #groupPerWrite: boolean
  #workers: ParquetWorkers | undefined
  /** The group a worker is encoding while the builder fills the next one, until it is in the file. */
  #inFlight: Promise<void> | undefined
  #codecName: string

  /** Checks the options and picks direct streaming (every column declared) or spooling. */
  constructor(options: ParquetOptions) {
    const { rowGroupSize = 100_000, rowGroupCells = 1_000_000, jsonColumns = 'json' } = options
    positiveInteger('rowGroupSize', rowGroupSize)
    positiveInteger('rowGroupCells', rowGroupCells)
    if (jsonColumns !== 'json' && jsonColumns !== 'string') {
      throw new RangeError(
        `Cannot write Parquet with jsonColumns "${jsonColumns}": use "json" or "string"`,
      )
    }
    const declared: Record<string, ColumnType> = Object.create(null)
    for (const [name, type] of Object.entries(options.types ?? {})) {
      declared[name] = checkColumnType(name, type)
    }
    this.#order = new ColumnOrder(options.columns)
    this.#direct = this.#order.fixed && this.#order.names.every((name) => name in declared)
    this.#builder = new RowGroupBuilder({
      rowGroupSize,
      rowGroupCells,
      declared,
      strict: this.#direct,
    })
    this.#builder.sync(this.#order.names)
    this.#flatten = options.flatten ?? true
    this.#codecName = options.codec ?? 'snappy'
    this.#codec = codecSetup(this.#codecName)
    this.#workers = this.#direct ? (options as ParquetInternalOptions).workers : undefined
    this.#jsonColumns = jsonColumns
    this.#tempDir = options.tempDir
    this.#groupPerWrite = options.groupPerWrite ?? false
    const metadata = Object.entries(options.metadata ?? {})
    this.#metadata = metadata.length
      ? metadata.map(([key, value]) => ({ key, value: String(value) }))
      : undefined
  }

  /** Adds a batch to the open row group, flushing each time the group fills. */
  async write(batch: Row[], out: ByteOutput): Promise<void> {
    const rows = this.#flatten ? batch.map(flattenRow) : batch
    const builder = this.#builder
    let i = 0
    while (i < rows.length) {
      let end = Math.min(rows.length, i + Math.max(builder.room, 1))
      if (this.#order.discover(rows, i, end)) builder.sync(this.#order.names)
      if (builder.room === 0) {
        await this.#flushGroup(out, false)
        continue
      }
      end = Math.min(end, i + builder.room)
      builder.append(rows, i, end)
      i = end
      if (builder.room === 0) await this.#flushGroup(out, false)
    }
    if (this.#groupPerWrite && builder.length > 0) await this.#flushGroup(out, false)
  }

  /**
   * Adds a column batch (its names among the declared columns, its cells checked against their
   * types) to the open row group, flushing each time the group fills; only a file whose columns
   * are all declared takes one.
   */
  async writeColumns(batch: ColumnBatch, out: ByteOutput): Promise<void> {
    if (!this.#direct) {
      throw new TypeError(
        'Cannot write a column batch to Parquet without every column declared: write rows',
      )
    }
    const builder = this.#builder
    let i = 0
    while (i < batch.length) {
      if (builder.room === 0) await this.#flushGroup(out, false)
      const end = Math.min(batch.length, i + builder.room)
      builder.appendColumns(batch, i, end)
      i = end
      if (builder.room === 0) await this.#flushGroup(out, false)
    }
    if (this.#groupPerWrite && builder.length > 0) await this.#flushGroup(out, false)
  }

  /** Flushes the last group and finishes the file: footer, segment copy or segment rewrite. */
  async close(out: ByteOutput): Promise<void> {
    if (this.#builder.length > 0 || !this.#open) await this.#flushGroup(out, true)
    if (this.#done) return
    if (this.#direct) return await this.#finish(this.#open!)
    await this.#closeSegment()
    const segments = this.#segments
    if (segments.length === 1) return await copySegment(segments[0], out)
    const { names, kinds } = this.#schemaNow()
    const final = this.#start(names, kinds, outputWriter(out))
    await rewriteSegments(segments, names, kinds, this.#jsonColumns, final.writer)
    await this.#finish(final)
  }

  /** Removes every temporary segment file, and gives the group's and output's buffers back to the pool. */
  async dispose(): Promise<void> {
    // A group still with a worker writes into the open file when it comes back: wait for it.
    await this.#inFlight?.catch(() => {})
    this.#inFlight = undefined
    if (this.#open) this.#workers?.release(this.#open)
    this.#open?.sink.release()
    this.#builder.release()
    const files = [this.#open?.file, ...this.#segments.map((s) => s.file)]
    this.#open = undefined
    this.#segments = []
    for (const file of files) await discardTempFile(file)
  }

  /** Writes the open row group: to the output, to the current segment, or to a new segment. */
  async #flushGroup(out: ByteOutput, last: boolean): Promise<void> {
    const { names, kinds } = this.#schemaNow()
    if (this.#direct || (last && !this.#open && this.#segments.length === 0)) {
      // The whole output is this file: stream it (declared schema, or everything fits in one group).
      this.#open ??= this.#start(names, kinds, outputWriter(out))
      await this.#writeGroup(this.#open)
      if (last && !this.#direct) {
        await this.#finish(this.#open)
        this.#done = true
      }
      return
    }
    const open = this.#open
    if (open && !sameSchema(open, names, kinds)) await this.#closeSegment()
    if (!this.#open) {
      const file = await createTempFile('parquet', this.#tempDir)
      this.#open = { ...this.#start(names, kinds, fileWriter(file.handle)), file }
    }
    await this.#writeGroup(this.#open)
  }

  /** The schema the open group needs, with the `_step` stand-in when there are no columns. */
  #schemaNow(): { names: string[]; kinds: ColumnType[] } {
    const names = this.#builder.names
    return names.length
      ? { names, kinds: this.#builder.physicalKinds }
      : { names: ['_step'], kinds: ['int'] }
  }

  /**
   * Writes the builder's rows as one row group and empties the builder. With workers it returns
   * once the group is handed over, after the group before it is in the file: the builder fills
   * the next group while a worker encodes this one, and one group per file is in flight.
   */
  async #writeGroup(open: OpenFile): Promise<void> {
    const builder = this.#builder
    const n = builder.length
    if (n === 0) return
    await this.#codec.ready
    await this.#settle()
    let columnData: GroupColumn[] = builder.columnData(this.#jsonColumns)
    if (!columnData.length) columnData = [{ name: '_step', data: new Array(n).fill(null) }]
    const workers = this.#workers
    if (workers) {
      // The builder's number storage moves to the worker and comes back to the pool; reset
      // takes new storage for what was moved.
      const sent = sendRowGroup(open.writer, columnData, n, {
        workers,
        file: open,
        codecName: this.#codecName,
        move: true,
      })
      // Its error surfaces at the next settle (next group, close or dispose), not as unhandled.
      sent.catch(() => {})
      this.#inFlight = sent
      builder.reset()
      // A followed file's group is out before its write returns.
      if (this.#groupPerWrite) await this.#settle()
      return
    }
    await writeRowGroup(open.writer, columnData, n)
    builder.reset()
  }

  /** Waits until the group in flight is in the file; throws its error. */
  async #settle(): Promise<void> {
    const inFlight = this.#inFlight
    if (!inFlight) return
    this.#inFlight = undefined
    await inFlight
  }

  /** Starts a ParquetWriter for a schema. */
  #start(names: string[], kinds: ColumnType[], sink: SinkWriter): OpenFile {
    const writer = new ParquetWriter({
      writer: sink,
      schema: buildSchema(names, kinds, this.#jsonColumns),
      codec: this.#codec.codec,
      compressors: this.#codec.compressors,
      kvMetadata: withArrowSchema(this.#metadata, names, kinds),
      createdBy: `wbx version ${VERSION}`,
    })
    return { writer, sink, names, kinds }
  }

  /** Writes the footer. */
  async #finish(open: OpenFile): Promise<void> {
    await this.#settle()
    this.#workers?.release(open)
    markJsonColumns(open.writer.schema)
    await open.writer.finish()
  }

  /** Finishes the open segment file and records it. */
  async #closeSegment(): Promise<void> {
    const open = this.#open
    if (!open?.file) return
    await this.#finish(open)
    this.#segments.push({
      file: open.file,
      bytes: open.writer.writer.offset,
      names: open.names,
      kinds: open.kinds,
    })
    this.#open = undefined
  }
}

/** Whether an open file was started with this schema. */
function sameSchema(open: OpenFile, names: string[], kinds: ColumnType[]): boolean {
  if (open.names.length !== names.length) return false
  for (let j = 0; j < names.length; j++) {
    if (open.names[j] !== names[j] || open.kinds[j] !== kinds[j]) return false
  }
  return true
}

/** Throws a RangeError unless the option is a positive integer. */
function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot write Parquet with ${name} ${value}: it must be a positive integer`,
    )
  }
}

const ARROW_TYPES: Record<ColumnType, ArrowType> = {
  int: 'int64',
  double: 'double',
  bool: 'bool',
  string: 'utf8',
  json: 'utf8',
}

/**
 * The footer metadata plus `ARROW:schema`, so Arrow-based readers (polars) decode JSON columns
 * as text rather than bytes.
 */
function withArrowSchema(
  metadata: { key: string; value: string }[] | undefined,
  names: readonly string[],
  kinds: readonly ColumnType[],
): { key: string; value: string }[] | undefined {
  if (names.length === 0 || metadata?.some((m) => m.key === 'ARROW:schema')) return metadata
  const fields = names.map((name, j) => ({ name, type: ARROW_TYPES[kinds[j]] }))
  return [...(metadata ?? []), { key: 'ARROW:schema', value: arrowSchemaBase64(fields) }]
}
