/**
 * Run-file uploads on the files origin: `createRunFiles` registers a pending upload and hands
 * out a signed PUT URL plus one upload header the PUT must carry; the PUT body is read as a
 * stream (never required whole in one piece, chunked encoding accepted) and its MD5 computed on
 * the way. A completed PUT commits the file to the run at once, or, when the server reports
 * `MARK_RUN_FILES_UPLOADED`, waits for `markRunFilesUploaded`. A PUT that fails (bad signature,
 * wrong header, cut connection, short body, injected fault) commits nothing.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Buffer } from 'node:buffer'
import type { FaultInjector } from './faults.ts'
import {
  deliver,
  faultReply,
  type Reply,
  storageError,
  textReply,
  type Timers,
} from './http_reply.ts'
import { md5Base64, md5Hex } from './ids.ts'
import type { RunRecord, StoredFile } from './records.ts'
import { headersOf, type RequestLogEntry } from './request_log.ts'
import type { ResolverContext } from './resolver_context.ts'
import { encodePath } from './stored_file.ts'
import type { ServerStore } from './store.ts'

/** The header every upload PUT must repeat from `createRunFiles.uploadHeaders`. */
export const UPLOAD_TOKEN_HEADER = 'X-Wbx-Upload-Token'

/** Largest upload body accepted (413 beyond). */
const MAX_UPLOAD_BYTES = 256 * 1024 * 1024

/** A run file between `createRunFiles` and its commit. */
export interface PendingUpload {
  /** The run the file goes to (null for artifact content, which `onUpload` stores). */
  run: RunRecord | null
  /** Path inside the run. */
  name: string
  /** The value the PUT must send in {@link UPLOAD_TOKEN_HEADER}. */
  token: string
  /** The bytes, once a PUT completed (and the server waits for `markRunFilesUploaded`). */
  bytes?: Uint8Array
  /** Stores a completed body instead of adding a run file (artifact uploads; may throw). */
  onUpload?: (bytes: Uint8Array) => void
}

const registries = new WeakMap<ServerStore, Map<string, PendingUpload>>()
let uploadSeq = 0

/** Pending uploads of a store, by files-origin path. */
export function pendingUploads(store: ServerStore): Map<string, PendingUpload> {
  let map = registries.get(store)
  if (!map) {
    map = new Map()
    registries.set(store, map)
  }
  return map
}

/**
 * Registers an upload of `name` to `run`; returns the signed PUT URL and the upload headers.
 * Files registered together share one `token` (one `uploadHeaders` list answers the whole
 * `createRunFiles` call); without one a fresh token is made.
 */
export function registerUpload(
  ctx: ResolverContext,
  run: RunRecord,
  name: string,
  token?: string,
): { uploadUrl: string; headers: string[]; token: string } {
  const seq = ++uploadSeq
  const path = `/wandb-uploads/${seq}/${
    encodePath(run.project.entity, run.project.name, run.name, name)
  }`
  token ??= md5Hex(new TextEncoder().encode(`${path}\n${seq}`))
  pendingUploads(ctx.store).set(path, { run, name, token })
  return {
    uploadUrl: ctx.signer.sign(path),
    headers: [`${UPLOAD_TOKEN_HEADER}:${token}`],
    token,
  }
}

/** Whether the server waits for `markRunFilesUploaded` before a file joins its run. */
function waitsForMark(ctx: ResolverContext): boolean {
  return ctx.features.some((f) => f.name === 'MARK_RUN_FILES_UPLOADED' && f.isEnabled)
}

/** Adds an uploaded file to its run (if the run still exists) and forgets the pending upload. */
export function commitUpload(
  ctx: ResolverContext,
  path: string,
  upload: PendingUpload,
): StoredFile {
  pendingUploads(ctx.store).delete(path)
  const { run } = upload
  if (!run || ctx.store.run(run.project.entity, run.project.name, run.name) !== run) {
    throw new Error(`run ${run?.project.entity}/${run?.project.name}/${run?.name} was deleted`)
  }
  return ctx.store.addRunFile(run, upload.name, upload.bytes ?? new Uint8Array(0))
}

/** Reads and discards a request body, so an early refusal does not reset the connection. */
async function drain(req: IncomingMessage): Promise<void> {
  try {
    for await (const _chunk of req) { /* discard */ }
  } catch { /* the client went away */ }
}

/** Streams the PUT body in; undefined when the connection broke or the body came up short. */
async function readUpload(req: IncomingMessage): Promise<Uint8Array | 'too-large' | undefined> {
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of req) {
      const bytes = chunk as Uint8Array
      size += bytes.byteLength
      if (size > MAX_UPLOAD_BYTES) return 'too-large'
      chunks.push(bytes)
    }
  } catch {
    return undefined
  }
  if (req.complete === false) return undefined
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) !== size) return undefined
  return Buffer.concat(chunks, size)
}

/** Answers one upload PUT (signature, pending upload and header checks, then the body). */
async function receiveUpload(req: IncomingMessage, url: URL, ctx: ResolverContext): Promise<Reply> {
  const check = ctx.signer.verify(url.pathname, url.searchParams)
  const upload = pendingUploads(ctx.store).get(url.pathname)
  const token = req.headers[UPLOAD_TOKEN_HEADER.toLowerCase()]
  let refusal: Reply | undefined
  if (check === 'missing') refusal = storageError(403, 'AccessDenied', 'Access denied.')
  else if (check === 'bad-signature' || (upload && token !== upload.token)) {
    refusal = storageError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    )
  } else if (check === 'expired') {
    refusal = storageError(400, 'ExpiredToken', 'The provided token has expired.')
  } else if (!upload) {
    refusal = storageError(404, 'NoSuchUpload', 'The specified upload does not exist.')
  } else if (req.headers['content-length'] === undefined) {
    // S3 presigned PUTs refuse chunked bodies; GCS would accept them. Model the stricter store.
    refusal = storageError(
      411,
      'MissingContentLength',
      'You must provide the Content-Length HTTP header.',
    )
  }
  if (refusal || !upload) {
    await drain(req)
    return refusal!
  }
  const bytes = await readUpload(req)
  if (bytes === 'too-large') {
    await drain(req)
    return storageError(413, 'EntityTooLarge', 'Your proposed upload exceeds the maximum size.')
  }
  if (bytes === undefined) {
    return storageError(400, 'IncompleteBody', 'You did not provide the number of bytes specified.')
  }
  upload.bytes = bytes
  if (upload.onUpload) {
    pendingUploads(ctx.store).delete(url.pathname)
    try {
      upload.onUpload(bytes)
    } catch (err) {
      return storageError(400, 'BadDigest', (err as Error).message)
    }
  } else if (!waitsForMark(ctx)) {
    try {
      commitUpload(ctx, url.pathname, upload)
    } catch (err) {
      return storageError(404, 'NoSuchUpload', (err as Error).message)
    }
  }
  return textReply(200, '', 'text/plain; charset=utf-8', {
    etag: `"${md5Hex(bytes)}"`,
    'x-goog-hash': `md5=${md5Base64(bytes)}`,
  })
}

/** What serving an upload needs from the server. */
export interface UploadServeContext {
  ctx: ResolverContext
  faults: FaultInjector
  requests: RequestLogEntry[]
  timers: Timers
}

/**
 * Serves one files-origin PUT: logs it, applies a fault (`status`: refused after reading the
 * body; `drop`/`truncate`: the connection is cut mid-body; `slow`: a stall first), else answers.
 */
export async function serveUpload(
  req: IncomingMessage,
  res: ServerResponse,
  env: UploadServeContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const entry: RequestLogEntry = {
    seq: env.requests.length + 1,
    origin: 'files',
    method: 'PUT',
    path: url.pathname,
    url: url.pathname + url.search,
    headers: headersOf(req),
    body: '',
    status: 0,
    receivedAt: Date.now(),
  }
  env.requests.push(entry)
  const fault = env.faults.decide({ origin: 'files', method: 'PUT', path: url.pathname })
  entry.fault = fault?.kind
  if (fault?.kind === 'drop' || fault?.kind === 'truncate') {
    for await (const _chunk of req) break
    req.socket.destroy()
    return
  }
  if (fault?.kind === 'slow') await env.timers.wait(fault.delayMs ?? 1000)
  let reply: Reply
  if (fault?.kind === 'status') {
    await drain(req)
    reply = faultReply(fault, 'files')
  } else reply = await receiveUpload(req, url, env.ctx)
  entry.status = await deliver(req, res, reply, undefined, env.timers)
}
