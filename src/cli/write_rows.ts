/**
 * Sends a command's row stream through the chosen exporter to stdout or a file, with progress.
 *
 * @module
 */
import { dirname, resolve } from 'node:path'
import type { Row } from '../row.ts'
import {
  type ColumnSchema,
  createExporter,
  type CsvInfinity,
  EXPORT_FORMATS,
  type ExporterOptions,
  type ExportFormat,
  formatFromPath,
  type JsonColumns,
} from '../export/mod.ts'
import { writeOwnStreamToPath } from '../export/write_to_path.ts'
import { writeWithSchema } from '../export/typed_export.ts'
import type { CommandContext } from './command.ts'
import { Progress, type ReadMeter } from './progress.ts'
import { UsageError } from './usage_error.ts'
import { fileInFolder, isFolderOutput } from './output_path.ts'
import { batchesPerInterval, firstBatchColumns, flushIntervalMs } from './follow_output.ts'

/** What {@linkcode writeRows} needs beyond the command context. */
export interface WriteRowsOptions {
  /** Label of the progress line, e.g. `history`. */
  label: string
  /** Columns known up front, in order. */
  columns?: string[]
  /** The rows' columns and types from the source (`historyKeys`): CSV/Parquet files stream. */
  schema?: ColumnSchema
  /** Rows expected in all, for the progress line's percentage and ETA. */
  total?: number
  /**
   * The local log the rows are read from and its size (fed by the source's `onRead`), for a
   * percentage and ETA when `total` is unknown.
   */
  read?: ReadMeter
  /** The run id, for the file name when `--output` is a folder (`<id>-<label>.<ext>`). */
  runId?: string
  /**
   * The rows come from a followed run: CSV columns are fixed by the first batch when not given,
   * Parquet writes one row group per `--flush-interval`.
   * @default false
   */
  follow?: boolean
}

/** Resolves `--format`/`--output` into the output format. */
export function outputFormat(ctx: CommandContext): ExportFormat {
  const { format, output } = ctx.values
  if (typeof format === 'string') {
    if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
      throw new UsageError(`Unknown --format "${format}"; use ndjson, csv or parquet`)
    }
    return format as ExportFormat
  }
  if (typeof output === 'string' && output !== '-') {
    const fromPath = formatFromPath(output)
    if (!fromPath) {
      throw new UsageError(
        `Cannot tell the format of --output "${output}"; use .ndjson, .jsonl, .csv or .parquet, or pass --format`,
      )
    }
    return fromPath
  }
  return 'ndjson'
}

/**
 * Exports rows as the command's options say, resolving once every byte is written. `rows` may
 * be a function that opens them: then, with a `schema` and a file output, CSV and Parquet
 * stream with the schema's columns, and rows that drift from it are read again with inferred
 * columns (nothing is lost; the partial file is discarded).
 */
export async function writeRows(
  rows: ReadableStream<Row[]> | (() => ReadableStream<Row[]>),
  ctx: CommandContext,
  options: WriteRowsOptions,
): Promise<void> {
  ctx = withFolderOutput(ctx, options)
  const { values, io, signal } = ctx
  const format = outputFormat(ctx)
  const output = typeof values.output === 'string' && values.output !== '-'
    ? values.output
    : undefined
  if (format === 'parquet' && !output && io.stdoutIsTTY) {
    throw new UsageError(
      'Refusing to write Parquet to a terminal; pass -o FILE.parquet or redirect stdout',
    )
  }
  const layout = values.layout ?? 'wide'
  if (layout !== 'wide' && layout !== 'long') {
    throw new UsageError(`Unknown --layout "${layout}"; use wide or long`)
  }
  const nan = values.nan
  if (nan !== undefined && nan !== 'string' && nan !== 'null' && nan !== 'literal') {
    throw new UsageError(`Unknown --nan "${nan}"; use string, null or literal`)
  }
  const infinity = values.infinity
  if (infinity !== undefined && infinity !== 'Infinity' && infinity !== 'inf') {
    throw new UsageError(`Unknown --infinity "${infinity}"; use Infinity or inf`)
  }
  const jsonColumns = values['json-columns']
  if (jsonColumns !== undefined && jsonColumns !== 'json' && jsonColumns !== 'string') {
    throw new UsageError(`Unknown --json-columns "${jsonColumns}"; use json or string`)
  }
  let open = typeof rows === 'function' ? rows : () => rows
  const flatten = typeof values.flatten === 'boolean' ? values.flatten : undefined
  let columns = layout === 'wide' ? options.columns : undefined
  if (options.follow && typeof rows !== 'function') {
    if (format === 'parquet') {
      const grouped = rows.pipeThrough(batchesPerInterval(flushIntervalMs(ctx)))
      open = () => grouped
    } else if (format === 'csv' && layout === 'wide' && !columns) {
      const fixed = await firstBatchColumns(
        rows,
        flatten !== false,
        (text) => io.stderr(`wbx: ${text}\n`),
      )
      columns = fixed.columns
      open = () => fixed.rows
    }
  }
  const base: ExporterOptions = {
    layout,
    columns,
    groupPerWrite: options.follow && format === 'parquet',
    flatten,
    nan: nan as 'string' | 'null' | 'literal' | undefined,
    infinity: infinity as CsvInfinity | undefined,
    jsonColumns: jsonColumns as JsonColumns | undefined,
    codec: typeof values.codec === 'string' ? values.codec : undefined,
    // Spill files go beside the output (the OS temp folder may be small or in memory).
    tempDir: output ? dirname(resolve(output)) : undefined,
  }
  const schema = options.schema
  const send = async (source: ReadableStream<Row[]>, exporterOptions: ExporterOptions) => {
    // Progress goes to a terminal's stderr only, and never while data goes to the same terminal.
    const drawing = !values.quiet && io.stderrIsTTY && !(output === undefined && io.stdoutIsTTY)
    const progress = new Progress(options.label, drawing ? io.stderr : undefined, {
      total: options.total,
      read: options.read,
    })
    const exporter = createExporter(format, exporterOptions)
    const bytes = source.pipeThrough(progress.countRows()).pipeThrough(exporter).pipeThrough(
      progress.countBytes(),
    )
    try {
      if (output) await writeOwnStreamToPath(bytes, output, { signal })
      else await bytes.pipeTo(io.stdout(), { signal })
    } catch (err) {
      progress.abandon()
      // Return only once the exporter has removed its own temporary files.
      await exporter.settled
      throw err
    }
    progress.finish()
  }
  const typed = schema && output && typeof rows === 'function' && layout === 'wide' &&
    !options.columns && format !== 'ndjson'
  if (!typed) return send(open(), { ...base, types: schema?.types })
  await writeWithSchema(open, schema, {
    flatten: flatten ?? true,
    onDrift: (err) =>
      io.stderr(`wbx: ${err.message}; writing ${output} again with inferred columns\n`),
  }, (rows, typed) => send(rows, { ...base, ...typed }))
}

/** The context with `--output FOLDER/` replaced by the default file name inside it. */
function withFolderOutput(ctx: CommandContext, options: WriteRowsOptions): CommandContext {
  const output = ctx.values.output
  if (typeof output !== 'string' || output === '-' || !isFolderOutput(output)) return ctx
  const format = typeof ctx.values.format === 'string'
    ? outputFormat({ ...ctx, values: { ...ctx.values, output: undefined } })
    : undefined
  const path = fileInFolder(output, options.label, options.runId, format)
  return { ...ctx, values: { ...ctx.values, output: path } }
}
