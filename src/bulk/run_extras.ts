/**
 * The parts of a run besides history: system metrics and artifacts as tables, the console log,
 * and the run's files (each written atomically with its sha256; a file whose md5 and size match
 * the last export and is still on disk is not downloaded again).
 *
 * @module
 */
import { stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { claimTarget } from '../fs/safe_path.ts'
import { md5OfFile } from '../fs/md5_of_file.ts'
import { assertNoLinkBelow } from '../fs/safe_write.ts'
import type { ExportFormat } from '../export/mod.ts'
import { ARTIFACT_COLUMNS } from './artifact_rows.ts'
import { hashFile, writeFileAtomic } from './atomic_file.ts'
import type { BulkRun } from './bulk_source.ts'
import { filesDir, logPath, partPath } from './layout.ts'
import type { FileRecord, RunFileRecord, TableRecord } from './manifest.ts'
import { writeTable } from './table_writer.ts'
import { oneBatch } from '../streams/one_batch.ts'

/** Output settings the extras share. */
export interface ExtrasOptions {
  /** The export folder. */
  dir: string
  /** Table format. */
  format: ExportFormat
  /** Parquet codec. */
  codec?: string
  /** Cancels the export. */
  signal: AbortSignal
  /** Called with the bytes of each file written. */
  onBytes?: (bytes: number) => void
}

/** Writes the run's system metrics as one table file. */
export async function exportSystem(
  run: BulkRun,
  options: ExtrasOptions,
): Promise<TableRecord & { sampled: boolean }> {
  const file = partPath('system', run.id, 0, options.format)
  const rows = await run.systemMetrics(options.signal)
  const written = await writeTable(join(options.dir, file), rows, {
    root: options.dir,
    format: options.format,
    codec: options.codec,
    signal: options.signal,
  })
  options.onBytes?.(written.bytes)
  return {
    file,
    bytes: written.bytes,
    sha256: written.sha256,
    rows: written.rows,
    sampled: run.systemSampled,
  }
}

/** Writes the run's logged and used artifacts as one table file. */
export async function exportArtifacts(run: BulkRun, options: ExtrasOptions): Promise<TableRecord> {
  const file = partPath('artifacts', run.id, 0, options.format)
  const list = await run.artifacts(options.signal)
  const written = await writeTable(join(options.dir, file), oneBatch(list), {
    root: options.dir,
    format: options.format,
    codec: options.codec,
    columns: [...ARTIFACT_COLUMNS],
    types: {
      direction: 'string',
      name: 'string',
      type: 'string',
      version: 'string',
      aliases: 'string',
      tags: 'string',
      digest: 'string',
      size: 'int',
      file_count: 'int',
      created_at: 'string',
      updated_at: 'string',
      state: 'string',
      description: 'string',
      metadata: 'string',
      entity: 'string',
      project: 'string',
      history_step: 'int',
      id: 'string',
    },
    flatten: false,
    signal: options.signal,
  })
  options.onBytes?.(written.bytes)
  return { file, bytes: written.bytes, sha256: written.sha256, rows: written.rows }
}

/** Writes the run's console output; null when the run has none. */
export async function exportLogs(
  run: BulkRun,
  options: ExtrasOptions,
): Promise<FileRecord | null> {
  const stream = await run.consoleLog(options.signal)
  if (!stream) return null
  const file = logPath(run.id)
  const written = await writeFileAtomic(
    options.dir,
    join(options.dir, file),
    stream,
    options.signal,
  )
  options.onBytes?.(written.bytes)
  return { file, ...written }
}

/**
 * Downloads the run's files (those matching `pattern`), at most `concurrency` at once. A file
 * recorded last time with the same md5 (or, without md5, the same size) and still on disk with
 * that size is kept as is, and so is an unrecorded file already on disk whose md5 matches (one an
 * interrupted export downloaded).
 */
export async function exportFiles(
  run: BulkRun,
  previous: RunFileRecord[] | undefined,
  pattern: string | undefined,
  options: ExtrasOptions & { concurrency?: number },
): Promise<RunFileRecord[]> {
  const listed = await run.files(pattern, options.signal)
  // Every name is checked before any download: two names for one file stop the run, loudly.
  const folder = join(options.dir, filesDir(run.id))
  const claims = new Map<string, string>()
  const targets = listed.map((f) => claimTarget(claims, folder, f.name))
  const before = new Map((previous ?? []).map((r) => [r.name, r]))
  const records: RunFileRecord[] = new Array(listed.length)
  const stop = new AbortController()
  const onAbort = () => stop.abort(options.signal.reason)
  options.signal.addEventListener('abort', onAbort, { once: true })
  const signal = stop.signal
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < listed.length && !signal.aborted) {
      const i = next++
      const f = listed[i]
      const target = targets[i]
      await assertNoLinkBelow(options.dir, target) // before anything on disk is read or reused
      const file = `${filesDir(run.id)}/${relative(folder, target).split(sep).join('/')}`
      const old = before.get(f.name)
      if (
        old && old.md5 === f.md5 && old.bytes === f.sizeBytes && await sizeIs(target, old.bytes)
      ) {
        records[i] = old
        continue
      }
      if (!old && f.md5 && await sizeIs(target, f.sizeBytes) && await md5OfFile(target) === f.md5) {
        // Downloaded by an export that was interrupted before it recorded the file.
        records[i] = { file, name: f.name, md5: f.md5, ...await hashFile(target, signal) }
        continue
      }
      const written = await writeFileAtomic(options.dir, target, await f.open(signal), signal)
      options.onBytes?.(written.bytes)
      records[i] = { file, name: f.name, md5: f.md5, ...written }
    }
  }
  const lanes = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
    try {
      await lane()
    } catch (err) {
      stop.abort(err) // one failed download stops the others
      throw err
    }
  })
  try {
    await Promise.all(lanes)
  } finally {
    await Promise.allSettled(lanes)
    options.signal.removeEventListener('abort', onAbort)
  }
  return records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** Whether a file exists with this size. */
async function sizeIs(path: string, bytes: number): Promise<boolean> {
  try {
    return (await stat(path)).size === bytes
  } catch {
    return false
  }
}
