/**
 * Sends a command's row stream through the chosen exporter to stdout or a file, with progress.
 *
 * @module
 */
import { dirname, resolve } from 'node:path'
import type { Row } from '../row.ts'
import {
  createExporter,
  EXPORT_FORMATS,
  type ExportFormat,
  formatFromPath,
  writeToPath,
} from '../export/mod.ts'
import type { CommandContext } from './command.ts'
import { Progress } from './progress.ts'
import { UsageError } from './usage_error.ts'
import { batchesPerInterval, firstBatchColumns, flushIntervalMs } from './follow_output.ts'

/** What {@linkcode writeRows} needs beyond the command context. */
export interface WriteRowsOptions {
  /** Label of the progress line, e.g. `history`. */
  label: string
  /** Columns known up front, in order. */
  columns?: string[]
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

/** Exports rows as the command's options say, resolving once every byte is written. */
export async function writeRows(
  input: ReadableStream<Row[]>,
  ctx: CommandContext,
  options: WriteRowsOptions,
): Promise<void> {
  const { values, io, signal } = ctx
  let rows = input
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
  let columns = layout === 'wide' ? options.columns : undefined
  if (options.follow && format === 'parquet') {
    rows = rows.pipeThrough(batchesPerInterval(flushIntervalMs(ctx)))
  } else if (options.follow && format === 'csv' && layout === 'wide' && !columns) {
    const fixed = await firstBatchColumns(
      rows,
      values.flatten !== false,
      (text) => io.stderr(`wbx: ${text}\n`),
    )
    columns = fixed.columns
    rows = fixed.rows
  }
  const progress = new Progress(
    options.label,
    values.quiet || !io.stderrIsTTY ? undefined : io.stderr,
  )
  const exporter = createExporter(format, {
    layout,
    columns,
    groupPerWrite: options.follow && format === 'parquet',
    flatten: typeof values.flatten === 'boolean' ? values.flatten : undefined,
    nan: nan as 'string' | 'null' | 'literal' | undefined,
    codec: typeof values.codec === 'string' ? values.codec : undefined,
    // Spill files go beside the output (the OS temp folder may be small or in memory).
    tempDir: output ? dirname(resolve(output)) : undefined,
  })
  const bytes = rows.pipeThrough(progress.countRows()).pipeThrough(exporter).pipeThrough(
    progress.countBytes(),
  )
  try {
    if (output) await writeToPath(bytes, output, { signal })
    else await bytes.pipeTo(io.stdout(), { signal })
  } catch (err) {
    // Return only once the exporter has removed its own temporary files.
    await exporter.settled
    throw err
  }
  progress.finish()
}

/** A one-batch row stream over rows already in memory (listings and one-row documents). */
export function rowStream(rows: Row[]): ReadableStream<Row[]> {
  return new ReadableStream<Row[]>({
    start(controller) {
      if (rows.length) controller.enqueue(rows)
      controller.close()
    },
  })
}
