/**
 * `run.uploadFile(path, {root})`: the SDK's upload flow (runs.py `Run.upload_file`): ask for an
 * upload URL (`CreateRunFiles`), PUT the bytes streamed from disk, then commit the file
 * (`MarkRunFilesUploaded`) on servers with that feature. A failed PUT is never committed, so the
 * run gains no half-uploaded file.
 *
 * @module
 */
import { open, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { RunFile } from './file.ts'
import { findRunFile } from './files.ts'
import { CREATE_RUN_FILES_MUTATION, MARK_RUN_FILES_UPLOADED_MUTATION } from './queries.ts'
import { type RetryEvent, retryingFetch, safeUrl, TransferFailure } from '../http/retrying_fetch.ts'
import { retryLoop } from '../http/retry_loop.ts'
import type { RetryOptionsInput } from '../http/retry_options.ts'
import { backoffDelay, resolveRetryPolicy } from '../http/retry_policy.ts'
import { serverFeatureEnabled } from './server_features.ts'
import type { GraphqlTransport } from './transport.ts'
import { excerpt, WandbApiError } from './wandb_api_error.ts'
import { uploadFetch } from '../runtime.ts'

/** How uploads reach storage: the fetch and retry settings of the `Api`. */
export interface UploadFetchOptions {
  /** Fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch
  /** Retry settings (`RetryOptions` names; the old `RetryPolicy` names are still read); unset fields take the W&B defaults. */
  policy?: RetryOptionsInput
  /** Called before each retry wait of a PUT (the CLI announces retries with it). */
  onRetry?: (event: RetryEvent) => void
}

/** Options of `run.uploadFile()`. */
export interface UploadFileOptions {
  /** The folder the file's name in the run is taken relative to. @default '.' (the working directory) */
  root?: string
  /** Cancels the upload. */
  signal?: AbortSignal
  /** Time one PUT attempt may take, in ms (the whole file must go through). @default 3600000 */
  timeoutMs?: number
}

/** The run an upload goes to. */
export interface UploadTarget {
  readonly entity: string
  readonly project: string
  readonly id: string
  readonly runPath: string
}

/** Bytes read from disk per chunk. */
const CHUNK_BYTES = 256 * 1024

/**
 * The file's name inside the run: `path` relative to `root`, with `/` separators. A path outside
 * `root`, a missing file or a folder is an Error saying so.
 */
export async function uploadName(
  path: string,
  root: string = '.',
): Promise<{ name: string; file: string; size: number }> {
  const base = resolve(root)
  const file = resolve(path)
  const rel = relative(base, file)
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(
      `Cannot upload ${path}: it is not inside the root folder ${base}; pass a root that contains it`,
    )
  }
  let info
  try {
    info = await stat(file)
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new Error(
      `Cannot upload ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      { cause: err },
    )
  }
  if (!info.isFile()) throw new Error(`Cannot upload ${path}: it is not a regular file`)
  return { name: rel.split(sep).join('/'), file, size: info.size }
}

/** A pull-based byte stream over a file, read in fixed chunks and closed on end or cancel. */
export function fileStream(path: string): ReadableStream<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      handle ??= await open(path, 'r')
      const buffer = new Uint8Array(CHUNK_BYTES)
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null)
      if (bytesRead === 0) {
        await handle.close()
        handle = undefined
        controller.close()
      } else controller.enqueue(buffer.subarray(0, bytesRead))
    },
    async cancel() {
      await handle?.close()
      handle = undefined
    },
  }, { highWaterMark: 0 })
}

/** Splits `Key:Value` upload headers at the first colon, as the SDK does (HTTP trims the value). */
function parseUploadHeaders(lines: unknown): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of Array.isArray(lines) ? lines : []) {
    const text = String(line)
    const colon = text.indexOf(':')
    if (colon > 0) headers[text.slice(0, colon)] = text.slice(colon + 1).trim()
  }
  return headers
}

/** PUTs the file with retries; every attempt streams the file again from disk. */
async function putFile(
  url: string,
  file: { path: string; size: number; label: string },
  headers: Record<string, string>,
  transfer: UploadFetchOptions,
  options: UploadFileOptions,
): Promise<void> {
  const policy = resolveRetryPolicy(transfer.policy)
  const attemptPolicy = { ...policy, retries: 0, timeoutMs: options.timeoutMs ?? 3_600_000 }
  const fetchFn = transfer.fetch ?? uploadFetch
  const started = Date.now()
  /** What failed, without the one-attempt prefix the inner fetch adds. */
  const detail = (failure: TransferFailure) =>
    failure.message.replace(/^gave up after 1 attempt: /, '')
  await retryLoop<void, TransferFailure>(async () => {
    const init = {
      method: 'PUT',
      headers: { ...headers, 'content-length': String(file.size) },
      body: file.size === 0 ? new Uint8Array(0) : fileStream(file.path),
      duplex: 'half',
    } as RequestInit
    try {
      const response = await retryingFetch(url, init, {
        fetch: fetchFn,
        policy: attemptPolicy,
        signal: options.signal,
      })
      if (response.ok) {
        await response.body?.cancel().catch(() => {})
        return { ok: true, value: undefined }
      }
      const body = excerpt(await response.text().catch(() => ''), 200)
      throw new WandbApiError(
        `Cannot upload ${file.label}: storage answered HTTP ${response.status} to the PUT of ${
          safeUrl(url)
        }${body ? `: ${body}` : ''}; the file was not added to the run`,
        { code: 'http', status: response.status, operation: 'upload', serverMessage: body },
      )
    } catch (err) {
      if (!(err instanceof TransferFailure)) throw err
      return { ok: false, failure: err }
    }
  }, {
    retries: policy.retries,
    signal: options.signal,
    delayMs: (_failure, attempt) => backoffDelay(attempt - 1, policy),
    stop: (_failure, _attempt, delay) => Date.now() - started + delay > policy.maxRetryTimeMs,
    giveUp(failure, attempt) {
      throw new WandbApiError(
        `Cannot upload ${file.label} to ${safeUrl(url)}: gave up after ${attempt} attempt${
          attempt === 1 ? '' : 's'
        } (${failure.message}); the file was not added to the run`,
        {
          code: 'retries-exhausted',
          status: failure.status,
          operation: 'upload',
          cause: failure,
        },
      )
    },
    onRetry: (failure, attempt, delayMs) =>
      transfer.onRetry?.({
        url: safeUrl(url),
        detail: detail(failure),
        status: failure.status,
        attempt,
        maxAttempts: policy.retries + 1,
        delayMs,
      }),
  })
}

/**
 * Uploads one file to a run and returns it as listed by the server. Refuses a path outside
 * `root`, a missing file and a folder before sending anything.
 */
export async function uploadRunFile(
  transport: GraphqlTransport,
  transfer: UploadFetchOptions,
  run: UploadTarget,
  path: string,
  options: UploadFileOptions = {},
): Promise<RunFile> {
  const { name, file, size } = await uploadName(path, options.root)
  const signal = options.signal
  const vars = { entity: run.entity, project: run.project, run: run.id, files: [name] }
  const data = await transport.request(CREATE_RUN_FILES_MUTATION, vars, {
    signal,
    runPath: run.runPath,
  }) as {
    createRunFiles?: {
      runID?: unknown
      uploadHeaders?: unknown
      files?: { name?: unknown; uploadUrl?: unknown }[] | null
    } | null
  } | null
  const result = data?.createRunFiles
  if (!result?.runID) {
    throw new WandbApiError(
      `Cannot upload ${name} to ${run.runPath}: the server knows no such run; check that the project exists and the API key may write to it`,
      {
        code: 'not-found',
        status: 404,
        operation: CREATE_RUN_FILES_MUTATION.name,
        runPath: run.runPath,
      },
    )
  }
  const entry = (result.files ?? []).find((f) => f?.name === name) ?? result.files?.[0]
  let url = typeof entry?.uploadUrl === 'string' ? entry.uploadUrl : ''
  if (url === '') {
    throw new WandbApiError(
      `Cannot upload ${name} to ${run.runPath}: the server gave no upload URL for it`,
      {
        code: 'bad-response',
        status: 200,
        operation: CREATE_RUN_FILES_MUTATION.name,
        runPath: run.runPath,
      },
    )
  }
  if (url.startsWith('/')) url = `${transport.baseUrl}${url}`
  const headers = parseUploadHeaders(result.uploadHeaders)
  await putFile(url, { path: file, size, label: `${path} as ${name}` }, headers, transfer, options)
  if (await serverFeatureEnabled(transport, 'MARK_RUN_FILES_UPLOADED', signal)) {
    await transport.request(MARK_RUN_FILES_UPLOADED_MUTATION, vars, {
      signal,
      runPath: run.runPath,
    })
  }
  return findRunFile(transport, run, name, signal)
}
