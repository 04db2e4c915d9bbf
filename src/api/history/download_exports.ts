/**
 * `downloadHistoryExports`: the SDK's `Run.download_history_exports`, saving a run's Parquet
 * history exports whole, as `<entity>_<project>_<runId>_<i>.runhistory.parquet`.
 *
 * @module
 */
import { mkdir, rm } from 'node:fs/promises'
import { basename, join, resolve, sep } from 'node:path'
import { createExclusive, renameInside } from '../../fs/safe_write.ts'
import { removeStaleTemps } from '../../fs/stale_temps.ts'
import { type HistoryRunRef, type HistoryTransport, runPathOf } from './history_target.ts'
import { IncompleteRunHistoryError } from './incomplete_history_error.ts'
import { fetchParquetExports } from './parquet_exports.ts'
import {
  expectedLength,
  fetchSigned,
  redactSignedUrl,
  shortBody,
  type SignedFetchOptions,
  SignedUrlError,
} from './signed_fetch.ts'

/** Options for {@linkcode downloadHistoryExports}. */
export interface DownloadHistoryExportsOptions {
  /** Throw {@linkcode IncompleteRunHistoryError} when some rows are not exported yet. @default true */
  requireCompleteHistory?: boolean
  /** Cancels the downloads; files not finished are removed. */
  signal?: AbortSignal
  /** How signed export URLs are fetched (never with credentials): fetch, retries, timeouts. */
  exportFetch?: Omit<SignedFetchOptions, 'signal'>
}

/** What {@linkcode downloadHistoryExports} saved (the SDK's `DownloadHistoryResult`). */
export interface DownloadHistoryResult {
  /** Paths of the files saved, in completion order. */
  paths: string[]
  /** Whether the run has rows the exports do not hold yet. */
  containsLiveData: boolean
  /** Path → error message for each file that could not be saved; empty when all were. */
  errors: Record<string, string>
}

/** Rejects a name part that could lead a file outside the target folder. */
function checkNamePart(part: string, what: string, path: string): void {
  if (part === '' || /[/\\\0]/.test(part) || part === '.' || part === '..') {
    throw new Error(
      `Cannot name the history export files of ${path}: the ${what} '${part}' would make a path ` +
        'outside the target folder; check the run path',
    )
  }
}

/**
 * Streams a response body into `target` (in `folder`) through a temporary file created
 * exclusively, checking its length; a link at the target is refused.
 */
async function saveBody(
  response: Response,
  folder: string,
  target: string,
  url: string,
): Promise<void> {
  if (!response.ok) {
    await response.body?.cancel().catch(() => {})
    throw new SignedUrlError(
      `Cannot download ${
        redactSignedUrl(url)
      }: HTTP ${response.status}; a signed URL may have expired, try again`,
      response.status,
    )
  }
  const { path: partial, handle } = await createExclusive(
    folder,
    folder,
    `${basename(target)}.`,
    '.part',
  )
  let bytes = 0
  try {
    if (response.body) {
      const reader = response.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        await handle.write(value)
        bytes += value.byteLength
      }
    }
  } catch (err) {
    await handle.close()
    await rm(partial, { force: true })
    throw err
  }
  await handle.close()
  const expected = expectedLength(response)
  if (expected !== undefined && bytes !== expected) {
    await rm(partial, { force: true })
    throw shortBody(bytes, expected)
  }
  await renameInside(folder, partial, target).catch(async (err) => {
    await rm(partial, { force: true })
    throw err
  })
}

/**
 * Downloads every Parquet history export of `run` into `dir` (created when missing), one
 * whole file per export URL, without credentials. Per-file failures are collected in `errors`
 * rather than thrown; an incomplete history throws {@linkcode IncompleteRunHistoryError} unless
 * `requireCompleteHistory` is false. The step range and keys play no part, as in the SDK.
 */
export async function downloadHistoryExports(
  transport: HistoryTransport,
  run: HistoryRunRef,
  dir: string,
  options: DownloadHistoryExportsOptions = {},
): Promise<DownloadHistoryResult> {
  if (typeof dir !== 'string' || dir === '') {
    throw new TypeError(`Cannot download history exports: dir must be a folder path, got '${dir}'`)
  }
  const path = runPathOf(run)
  checkNamePart(run.entity, 'entity', path)
  checkNamePart(run.project, 'project', path)
  checkNamePart(run.id, 'run id', path)
  const found = await fetchParquetExports(transport, run, options.signal)
  const containsLiveData = found.liveRows > 0
  if (containsLiveData && (options.requireCompleteHistory ?? true)) {
    throw new IncompleteRunHistoryError(path, found.liveRows, found.minLiveStep)
  }
  const folder = resolve(dir)
  await mkdir(folder, { recursive: true, mode: 0o755 })
  await removeStaleTemps(folder)
  const result: DownloadHistoryResult = { paths: [], containsLiveData, errors: {} }
  const fetchOptions = { ...options.exportFetch, signal: options.signal }
  for (const [i, url] of found.urls.entries()) {
    const target = join(folder, `${run.entity}_${run.project}_${run.id}_${i}.runhistory.parquet`)
    if (!target.startsWith(folder + sep)) {
      throw new Error(`Cannot save ${target}: it is outside ${folder}; check the run path`)
    }
    try {
      await fetchSigned(
        url,
        {},
        fetchOptions,
        (response) => saveBody(response, folder, target, url),
      )
      result.paths.push(target)
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason
      result.errors[target] = err instanceof Error ? err.message : String(err)
    }
  }
  return result
}
