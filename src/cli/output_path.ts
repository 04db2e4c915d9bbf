/**
 * Default output file names when `--output` names a folder: `-o out/` writes
 * `out/<run id>-history.parquet` (the extension follows `--format`, Parquet by default;
 * `out/<run id>-logs.log` for console logs).
 *
 * @module
 */
import { mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ExportFormat } from '../export/mod.ts'
import { UsageError } from './usage_error.ts'

const EXTENSIONS: Record<ExportFormat | 'log', string> = {
  ndjson: 'ndjson',
  csv: 'csv',
  parquet: 'parquet',
  log: 'log',
}

/** Whether `--output` names a folder: it ends with a path separator or is an existing folder. */
export function isFolderOutput(output: string): boolean {
  if (/[\\/]$/.test(output)) return true
  try {
    return statSync(output).isDirectory()
  } catch {
    return false
  }
}

/**
 * The file to write inside folder `output` for `label` (`history`, `summary`, …) of run `runId`,
 * creating the folder when it does not exist yet.
 */
export function fileInFolder(
  output: string,
  label: string,
  runId: string | undefined,
  format: ExportFormat | 'log' | undefined,
): string {
  if (runId === undefined || runId === '') {
    throw new UsageError(
      `--output "${output}" is a folder and this output has no run id to name the file by; give a file name`,
    )
  }
  if (/[\\/]|^\.\.?$/.test(runId)) {
    throw new UsageError(`Cannot name a file after run id "${runId}"; give --output a file name`)
  }
  try {
    mkdirSync(output, { recursive: true })
  } catch (err) {
    throw new Error(`Cannot create output folder ${output}: ${(err as Error).message}`)
  }
  return join(output, `${runId}-${label}.${EXTENSIONS[format ?? 'parquet']}`)
}
