/**
 * `wbx files --download` for any {@link RunReader}: every listed file is opened with `openFile`
 * and written below a folder the way a W&B run's downloads are (names claimed before anything is
 * written, no write through a link below the folder, an exclusive temporary file renamed into
 * place only once the listed size and md5 match, identical files skipped, a different file kept
 * unless `replace`).
 *
 * @module
 */
import { rm, stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import type { Row } from '../row.ts'
import { verifyingStream } from '../api/download_to_file.ts'
import { writeAll } from '../fs/atomic_write.ts'
import { md5OfFile } from '../fs/md5_of_file.ts'
import { claimTarget } from '../fs/safe_path.ts'
import {
  assertNoLinkBelow,
  createExclusive,
  type ExclusiveFile,
  makeDirInside,
  renameInside,
} from '../fs/safe_write.ts'
import { removeStaleTemps } from '../fs/stale_temps.ts'
import type { RunFileEntry, RunReader } from './run_reader.ts'

/** Counts of a download in progress (the CLI's `DownloadStatus`). */
export interface ReaderDownloadStatus {
  files: number
  totalFiles: number
  bytes: number
  totalBytes: number
}

/** Options of {@link downloadReaderFiles}. */
export interface ReaderDownloadOptions {
  /** Overwrite an existing file that differs. @default false */
  replace?: boolean
  /** Cancels the download. */
  signal?: AbortSignal
  /** Sees the counts after the listing and after each file. */
  progress?: (status: ReaderDownloadStatus) => void
}

/**
 * Downloads every file the reader lists into `dir` through `openFile`; resolves to one row per
 * file (`name`, `size_bytes`, `md5`, `path`, `skipped`), in listing order.
 */
export async function downloadReaderFiles(
  reader: RunReader,
  dir: string,
  options: ReaderDownloadOptions = {},
): Promise<Row[]> {
  const { signal, progress } = options
  const root = resolve(dir)
  const files = await reader.listFiles({ signal })
  const status = {
    files: 0,
    totalFiles: files.length,
    bytes: 0,
    totalBytes: files.reduce((n, f) => n + (f.sizeBytes ?? 0), 0),
  }
  progress?.({ ...status })
  // Two names for one file are refused before anything is written, even with replace.
  const claims = new Map<string, string>()
  const targets = files.map((f) => claimTarget(claims, root, f.name))
  const rows: Row[] = []
  for (const [i, f] of files.entries()) {
    signal?.throwIfAborted()
    const result = await downloadOne(reader, root, targets[i], f, options)
    rows.push({
      name: f.name,
      size_bytes: f.sizeBytes,
      md5: f.md5 ?? null,
      path: targets[i],
      skipped: result.skipped,
    })
    status.files++
    status.bytes += result.bytes
    progress?.({ ...status })
  }
  return rows
}

/** Writes one listed file to `target` below `root`, or finds the identical file already there. */
async function downloadOne(
  reader: RunReader,
  root: string,
  target: string,
  file: RunFileEntry,
  options: ReaderDownloadOptions,
): Promise<{ skipped: boolean; bytes: number }> {
  const { name } = file
  const md5 = file.md5 ?? undefined
  const size = file.sizeBytes ?? undefined
  await assertNoLinkBelow(root, target)
  const existing = await stat(target).catch(() => undefined)
  if (existing) {
    if (!existing.isFile()) {
      throw new Error(`Cannot download ${name} to ${target}: a folder or special file is there`)
    }
    if (md5 && (size === undefined || size === existing.size)) {
      if ((await md5OfFile(target)) === md5) return { skipped: true, bytes: existing.size }
    }
    if (!options.replace) {
      throw new Error(
        `Cannot download ${name} to ${target}: a different file is already there; pass replace: true (--replace) to overwrite it`,
      )
    }
  }
  await makeDirInside(root, dirname(target))
  await removeStaleTemps(dirname(target))
  const label = `${name} of run ${reader.id}`
  const body = await reader.openFile(name, { signal: options.signal })
  let temp: ExclusiveFile | undefined
  try {
    temp = await createExclusive(root, dirname(target), `${basename(target)}.`, '.part')
    let bytes = 0
    const chunks = body.pipeThrough(
      verifyingStream({ md5Base64: md5, size, source: 'the run reader' }, label),
    ).getReader()
    try {
      while (true) {
        const { done, value } = await chunks.read()
        if (done) break
        await writeAll(temp.handle, value)
        bytes += value.byteLength
      }
    } finally {
      await temp.handle.close()
    }
    await renameInside(root, temp.path, target)
    return { skipped: false, bytes }
  } catch (err) {
    if (temp) await rm(temp.path, { force: true })
    else await body.cancel(err).catch(() => {})
    if (options.signal?.aborted) throw options.signal.reason
    throw err
  }
}
