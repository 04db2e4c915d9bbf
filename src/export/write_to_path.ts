/**
 * Writing export bytes to a file atomically, and the one-call exports built on it.
 *
 * The bytes go to a temporary file beside the target (`.wbx-out-<pid>-<random>.tmp` in the same
 * folder, so the final rename stays on one file system; the writer is `src/fs/atomic_write.ts`), which is flushed to disk and renamed
 * over the target only when the stream ends cleanly. A source error, an exporter error, an abort
 * or a cancel removes the temporary file and leaves nothing (and no old file changed) under the
 * final name. A symbolic link at the target is refused rather than written through or replaced,
 * and stale temporary files a killed wbx left in the folder are removed first.
 *
 * @module
 */
import { dirname, resolve } from 'node:path'
import type { Row } from '../row.ts'
import {
  countRows,
  createExporter,
  type ExporterOptions,
  type ExportFormat,
  formatFromPath,
} from './exporter.ts'
import { writeAtomic } from '../fs/atomic_write.ts'
import { removeStaleTemps } from '../fs/stale_temps.ts'

/** Options of {@linkcode writeToPath}. */
export interface WriteToPathOptions {
  /** Aborting stops the write, removes the temporary file and rejects with the signal's reason. */
  signal?: AbortSignal
}

/** Options of {@linkcode exportToPath}. */
export interface ExportToPathOptions extends ExporterOptions {
  /** Output format. @default from the path's extension */
  format?: ExportFormat
  /** Aborting stops the export and leaves no file. */
  signal?: AbortSignal
}

/** Options of {@linkcode exportToWritable}. */
export interface ExportToWritableOptions extends ExporterOptions {
  /** Output format. */
  format: ExportFormat
  /** Aborting stops the export. */
  signal?: AbortSignal
  /** Leave the writable open at the end (e.g. a shared stdout). @default false */
  preventClose?: boolean
}

/** What an export wrote. */
export interface ExportResult {
  /** Input rows exported. */
  rows: number
  /** Bytes written. */
  bytes: number
}

/** Writes a byte stream to `path` atomically; resolves with the byte count once the file is in place. */
export function writeToPath(
  bytes: ReadableStream<Uint8Array>,
  path: string,
  options: WriteToPathOptions = {},
): Promise<number> {
  return writeBytes(bytes, path, options, false)
}

/**
 * {@linkcode writeToPath} for a stream this write is the only reader of (an exporter's output piped
 * straight here): the pieces a Parquet exporter lent go back once written (`byte_pieces.ts`).
 */
export function writeOwnStreamToPath(
  bytes: ReadableStream<Uint8Array>,
  path: string,
  options: WriteToPathOptions = {},
): Promise<number> {
  return writeBytes(bytes, path, options, true)
}

/** Removes stale temporary files beside `path`, then writes the stream there atomically. */
async function writeBytes(
  bytes: ReadableStream<Uint8Array>,
  path: string,
  options: WriteToPathOptions,
  givePiecesBack: boolean,
): Promise<number> {
  const folder = dirname(resolve(path))
  try {
    options.signal?.throwIfAborted()
    await removeStaleTemps(folder)
  } catch (err) {
    await bytes.cancel(err).catch(() => {})
    throw err
  }
  return await writeAtomic(folder, resolve(path), bytes, {
    tempPrefix: '.wbx-out-',
    tempSuffix: '.tmp',
    advice: 'check that the folder exists and is writable',
    label: path,
    givePiecesBack,
    signal: options.signal,
  })
}

/** Exports rows to a file in the format its extension names (or `format`), atomically. */
export async function exportToPath(
  rows: ReadableStream<Row | Row[]>,
  path: string,
  options: ExportToPathOptions = {},
): Promise<ExportResult> {
  const { format = formatFromPath(path), signal, ...rest } = options
  if (!format) {
    await rows.cancel().catch(() => {})
    throw new TypeError(
      `Cannot tell the export format of "${path}": use .ndjson, .jsonl, .csv or .parquet, or pass format`,
    )
  }
  const counter = { rows: 0 }
  const exporter = createExporter(format, { tempDir: dirname(resolve(path)), ...rest })
  const encoded = rows.pipeThrough(countRows(counter), { signal }).pipeThrough(exporter, { signal })
  try {
    const bytes = await writeOwnStreamToPath(encoded, path, { signal })
    return { rows: counter.rows, bytes }
  } catch (err) {
    // Return only once the exporter's own temporary files are gone too.
    await exporter.settled
    throw err
  }
}

/** Exports rows into a writable byte stream (e.g. stdout). */
export async function exportToWritable(
  rows: ReadableStream<Row | Row[]>,
  writable: WritableStream<Uint8Array>,
  options: ExportToWritableOptions,
): Promise<ExportResult> {
  const { format, signal, preventClose = false, ...rest } = options
  const counter = { rows: 0 }
  let bytes = 0
  const counted = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.length
      controller.enqueue(chunk)
    },
  })
  const exporter = createExporter(format, rest)
  try {
    await rows.pipeThrough(countRows(counter), { signal })
      .pipeThrough(exporter, { signal })
      .pipeThrough(counted, { signal })
      .pipeTo(writable, { signal, preventClose })
  } catch (err) {
    await exporter.settled
    throw err
  }
  return { rows: counter.rows, bytes }
}
