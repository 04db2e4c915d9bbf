/**
 * One table file of the export (a history part, a runs or artifacts table) written through an
 * exporter straight into an atomic file, counting rows and the `_step` range on the way.
 *
 * @module
 */
import { tmpdir } from 'node:os'
import type { ColumnType } from '../export/column_kind.ts'
import { createExporter, type ExporterOptions, type ExportFormat } from '../export/mod.ts'
import type { ParquetInternalOptions } from '../export/parquet.ts'
import type { ParquetWorkers } from '../export/parquet_workers.ts'
import { HistorySlice } from '../api/history/history_slice.ts'
import type { ColumnBatch } from '../export/column_batch.ts'
import type { Row } from '../row.ts'
import { writeFileAtomic, type WrittenFile } from './atomic_file.ts'

/** Options of {@linkcode TableWriter.open}. */
export interface TableWriterOptions {
  /** The export folder the file is written in (no link below it is followed). */
  root: string
  /** Output format. */
  format: ExportFormat
  /** Fixed columns, in order; discovered from the rows when undefined. */
  columns?: string[]
  /** Declared column types (with every column declared, Parquet streams without a spool file). */
  types?: Record<string, ColumnType>
  /** Whether the exporter flattens nested values (false when rows are flat already). @default true, false for NDJSON */
  flatten?: boolean
  /** Parquet codec. @default 'snappy' */
  codec?: string
  /** Most rows per Parquet row group, which sizes its buffers. @default 100000 (the exporter's) */
  rowGroupSize?: number
  /** Folder for the exporter's spool files. @default the OS temp folder */
  tempDir?: string
  /** Encoder workers for Parquet row groups. @default the calling thread */
  workers?: ParquetWorkers
  /** Cancels the write; the file is not created. */
  signal?: AbortSignal
}

/** What a finished table file holds. */
export interface TableFile extends WrittenFile {
  /** Rows written. */
  rows: number
  /** Smallest `_step` seen, or null. */
  minStep: number | null
  /** Largest `_step` seen, or null. */
  maxStep: number | null
}

/** A table file being written. */
export class TableWriter {
  /** Rows written so far. */
  rows = 0
  /** Smallest `_step` so far. */
  minStep: number | null = null
  /** Largest `_step` so far. */
  maxStep: number | null = null
  #writer: WritableStreamDefaultWriter<Row[] | ColumnBatch>
  #done: Promise<WrittenFile>
  #settled: Promise<void>

  /** Use {@linkcode TableWriter.open}. */
  private constructor(
    writer: WritableStreamDefaultWriter<Row[] | ColumnBatch>,
    done: Promise<WrittenFile>,
    settled: Promise<void>,
  ) {
    this.#writer = writer
    this.#done = done
    this.#settled = settled
  }

  /** Starts writing `path` (atomically: nothing appears there until {@linkcode TableWriter.close}). */
  static open(path: string, options: TableWriterOptions): TableWriter {
    const settings: ExporterOptions & ParquetInternalOptions = {
      columns: options.columns,
      types: options.types,
      flatten: options.flatten,
      codec: options.codec as ParquetInternalOptions['codec'],
      rowGroupSize: options.rowGroupSize,
      workers: options.workers,
      tempDir: options.tempDir ?? tmpdir(),
    }
    const exporter = createExporter(options.format, settings)
    const done = writeFileAtomic(options.root, path, exporter.readable, options.signal)
    done.catch(() => {}) // observed in close() or abort()
    // Every exporter's writable takes rows; the Parquet one also takes column batches (its
    // `writeColumns`), which only declared-schema parts send.
    const writable = exporter.writable as unknown as WritableStream<Row[] | ColumnBatch>
    const writer = writable.getWriter()
    return new TableWriter(writer, done, exporter.settled ?? Promise.resolve())
  }

  /**
   * Writes a batch (must not be empty): rows, or a slice of export columns (Parquet with every
   * column declared only).
   */
  async write(batch: Row[] | HistorySlice): Promise<void> {
    if (batch instanceof HistorySlice) {
      this.#steps(batch.firstStep, batch.lastStep)
      this.rows += batch.length
      await this.#writer.write(batch)
      return
    }
    for (const row of batch) {
      const step = row._step
      if (typeof step === 'number' && Number.isFinite(step)) this.#steps(step, step)
    }
    this.rows += batch.length
    await this.#writer.write(batch)
  }

  /** Widens the step range to hold `[min, max]`. */
  #steps(min: number, max: number): void {
    if (this.minStep === null || min < this.minStep) this.minStep = min
    if (this.maxStep === null || max > this.maxStep) this.maxStep = max
  }

  /** Ends the table and resolves once the file is in place. */
  async close(): Promise<TableFile> {
    await this.#writer.close()
    const written = await this.#done
    await this.#settled
    return { ...written, rows: this.rows, minStep: this.minStep, maxStep: this.maxStep }
  }

  /** Gives up: no file is created and temporary files are removed. */
  async abort(reason: unknown): Promise<void> {
    await this.#writer.abort(reason).catch(() => {})
    await this.#done.catch(() => {})
    await this.#settled
  }
}

/** Writes a whole row stream to one table file. */
export async function writeTable(
  path: string,
  rows: ReadableStream<Row[]>,
  options: TableWriterOptions,
): Promise<TableFile> {
  const table = TableWriter.open(path, options)
  try {
    for await (const batch of rows) if (batch.length) await table.write(batch)
    return await table.close()
  } catch (err) {
    await table.abort(err)
    throw err
  }
}
