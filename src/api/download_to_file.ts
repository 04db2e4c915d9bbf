/**
 * Streaming a URL into a file inside a folder, verifying size and md5, skipping identical files.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { rm, stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import {
  assertNoLinkBelow,
  createExclusive,
  type ExclusiveFile,
  makeDirInside,
  renameInside,
  UnsafePathError,
} from '../fs/safe_write.ts'
import { removeStaleTemps } from '../fs/stale_temps.ts'
import { resolveInside } from '../fs/safe_path.ts'
import type { GraphqlTransport } from './transport.ts'
import { excerpt, WandbApiError } from './wandb_api_error.ts'
import { type RetryEvent, safeUrl } from '../http/retrying_fetch.ts'
import { retryLoop } from '../http/retry_loop.ts'
import { type DeprecatedRetryOptions, normalizeRetryOptions } from '../http/retry_options.ts'
import { md5OfFile } from '../fs/md5_of_file.ts'

/** What the downloaded bytes must match; unset fields are not checked. */
export interface ContentCheck {
  /** Base64 md5 of the content, as W&B reports it. */
  md5Base64?: string
  /** Size in bytes: a body longer than this stops at the first byte past it. */
  size?: number
  /** Epoch ms by which the whole body must have arrived (see {@link transferDeadline}). */
  deadline?: number
  /** Who listed the file, as errors name it. @default 'the server' */
  source?: string
}

/** What a transfer deadline is derived from. */
export interface DeadlineLimits {
  /** Slowest accepted rate, bytes per second. */
  downloadMinBytesPerSecond: number
  /** Time every transfer gets on top of its size-derived share, in ms. */
  downloadGraceMs: number
}

/**
 * The epoch ms by which a transfer of `size` bytes started `now` must end: the grace plus the
 * time the size takes at the floor rate (only the grace when the size is unknown).
 */
export function transferDeadline(
  size: number | undefined,
  limits: DeadlineLimits,
  now: number = Date.now(),
): number {
  const share = size === undefined ? 0 : (size / limits.downloadMinBytesPerSecond) * 1000
  return now + limits.downloadGraceMs + share
}

/** Options of {@link downloadToFile} (the old `attempts`, `retries + 1`, is still read). */
export interface DownloadToFileOptions extends Pick<DeprecatedRetryOptions, 'attempts'> {
  /** Overwrite an existing file that differs. @default false */
  replace?: boolean
  /** Cancels the transfer. */
  signal?: AbortSignal
  /**
   * Fetches again when the body is cut off mid-transfer (the request's own HTTP retries are the
   * transport's). @default 2
   */
  retries?: number
  /** Called before each such retry. @default the transport's `onRetry` */
  onRetry?: (event: RetryEvent) => void
  /** What each attempt's deadline derives from. @default the transport's limits, else none */
  limits?: DeadlineLimits
}

/** Where a file went and whether it was already there. */
export interface DownloadResult {
  /** Absolute path of the file. */
  path: string
  /** True when an identical file existed and nothing was transferred. */
  skipped: boolean
  /** Size of the file in bytes. */
  bytes: number
}

/** Throws a WandbApiError for a non-2xx download response, quoting at most a short body excerpt. */
export async function failDownload(response: Response, url: string, label: string): Promise<never> {
  let text = ''
  try {
    text = (await response.text()).slice(0, 2000)
  } catch {
    // the body is only used for the message
  }
  const serverMessage = text.trim() === '' ? undefined : excerpt(text, 200)
  const hint = response.status === 403
    ? '; the signed URL may have expired, list the files again'
    : response.status === 401
    ? '; check WANDB_API_KEY'
    : ''
  throw new WandbApiError(
    `Cannot download ${label} from ${safeUrl(url)}: HTTP ${response.status}${
      serverMessage ? `: ${serverMessage}` : ''
    }${hint}`,
    { code: 'http', status: response.status, operation: 'download', serverMessage },
  )
}

/** Error for content that does not match its md5 or size. */
function mismatch(
  source: string,
  label: string,
  what: string,
  expected: string | number,
  got: string | number,
): WandbApiError {
  return new WandbApiError(
    `Cannot accept ${label}: ${what} is ${got} but ${source} listed ${expected}; the transfer was corrupted or the file changed, try again`,
    { code: 'download', status: 200, operation: 'download' },
  )
}

/**
 * A pass-through stream that counts and hashes the bytes and errors at the end when they do not
 * match `check` (md5 first, then size); a body longer than `check.size` errors at the first byte
 * past it (nothing beyond is passed on), and one still arriving after `check.deadline` errors at
 * its next chunk (a body that stops altogether is the transport's idle timeout).
 */
export function verifyingStream(
  check: ContentCheck,
  label: string,
): TransformStream<Uint8Array, Uint8Array> {
  const hash = check.md5Base64 ? createHash('md5') : undefined
  const source = check.source ?? 'the server'
  const started = Date.now()
  let count = 0
  const late = (): void => {
    if (check.deadline === undefined || Date.now() <= check.deadline) return
    const seconds = Math.round((check.deadline - started) / 1000)
    throw new WandbApiError(
      `Cannot download ${label}: ${count} of ${
        check.size ?? 'an unknown number of'
      } bytes arrived within its deadline of ${seconds} s; ${source} is sending too slowly, try again later`,
      { code: 'download', status: 200, operation: 'download' },
    )
  }
  return new TransformStream({
    transform(chunk, controller) {
      if (check.size !== undefined && count + chunk.byteLength > check.size) {
        throw new WandbApiError(
          `Cannot accept ${label}: ${source} sent more than the listed ${check.size} bytes ` +
            `(${count + chunk.byteLength} so far); stopped, nothing past the listed size was kept`,
          { code: 'download', status: 200, operation: 'download' },
        )
      }
      hash?.update(chunk)
      count += chunk.byteLength
      late()
      controller.enqueue(chunk)
    },
    flush() {
      late()
      if (check.size !== undefined && count !== check.size) {
        throw mismatch(source, label, 'the size', check.size, count)
      }
      if (hash) {
        const got = hash.digest('base64')
        if (got !== check.md5Base64) throw mismatch(source, label, 'the md5', check.md5Base64!, got)
      }
    },
  })
}

/**
 * Downloads `url` to `dir/name` through a temporary file: rejects names that escape `dir`, skips
 * when an identical file (same md5) is there, refuses to overwrite a different file unless
 * `replace`, retries a body cut off mid-transfer, and verifies md5 and size before the rename.
 */
export async function downloadToFile(
  transport: GraphqlTransport,
  url: string,
  dir: string,
  name: string,
  check: ContentCheck,
  options: DownloadToFileOptions = {},
): Promise<DownloadResult> {
  const target = resolveInside(dir, name)
  await assertNoLinkBelow(dir, target)
  const existing = await stat(target).catch(() => undefined)
  if (existing) {
    if (!existing.isFile()) {
      throw new Error(`Cannot download ${name} to ${target}: a folder or special file is there`)
    }
    if (check.md5Base64 && (check.size === undefined || check.size === existing.size)) {
      if ((await md5OfFile(target)) === check.md5Base64) {
        return { path: target, skipped: true, bytes: existing.size }
      }
    }
    if (!options.replace) {
      throw new Error(
        `Cannot download ${name} to ${target}: a different file is already there; pass replace: true (--replace) to overwrite it`,
      )
    }
  }
  await makeDirInside(dir, dirname(target))
  await removeStaleTemps(dirname(target))
  const retries = normalizeRetryOptions(options).retries ?? 2
  const onRetry = options.onRetry ?? transport.onRetry
  let status = 0
  return await retryLoop<DownloadResult, unknown>(async () => {
    if (options.signal?.aborted) throw options.signal.reason
    const response = await transport.fetchUrl(url, { signal: options.signal })
    if (!response.ok) await failDownload(response, url, name)
    status = response.status
    let temp: ExclusiveFile | undefined
    const limits = options.limits ?? transport.limits
    const deadline = limits ? transferDeadline(check.size, limits) : undefined
    try {
      temp = await createExclusive(dir, dirname(target), `${basename(target)}.`, '.part')
      const bytes = await writeVerified(response.body!, temp, { ...check, deadline }, name)
      await renameInside(dir, temp.path, target)
      return { ok: true, value: { path: target, skipped: false, bytes } }
    } catch (err) {
      if (temp) await rm(temp.path, { force: true })
      else await response.body?.cancel().catch(() => {})
      if (err instanceof UnsafePathError) throw err // a link appeared: fetching again cannot help
      const cutOff = !(err instanceof WandbApiError) && !options.signal?.aborted
      const short = err instanceof WandbApiError && err.code === 'download' &&
        /the size is/.test(err.message)
      if (cutOff || short) return { ok: false, failure: err }
      if (options.signal?.aborted) throw options.signal.reason
      throw err
    }
  }, {
    retries,
    signal: options.signal,
    delayMs: () => 0,
    giveUp(err) {
      if (options.signal?.aborted) throw options.signal.reason
      throw err
    },
    onRetry: (err, attempt, delayMs) =>
      onRetry?.({
        url: safeUrl(url),
        detail: `HTTP ${status} body cut off: ${err instanceof Error ? err.message : String(err)}`,
        status: 0,
        attempt,
        maxAttempts: retries + 1,
        delayMs,
      }),
  })
}

/** Streams `body` into a newly created file, verifying it; returns the byte count. */
async function writeVerified(
  body: ReadableStream<Uint8Array>,
  file: ExclusiveFile,
  check: ContentCheck,
  label: string,
): Promise<number> {
  const handle = file.handle
  let count = 0
  try {
    const reader = body.pipeThrough(verifyingStream(check, label)).getReader()
    while (true) {
      const { done, value } = await reader.read()
      if (done) break
      count += value.byteLength
      await handle.write(value)
    }
  } finally {
    await handle.close()
  }
  return count
}
