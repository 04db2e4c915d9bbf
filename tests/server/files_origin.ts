/**
 * The second origin, standing in for cloud storage: serves run files, artifact files and
 * Parquet exports at signed URLs only, with HEAD and single HTTP Range requests.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { type Reply, storageError } from './http_reply.ts'
import type { UrlSigner } from './signed_urls.ts'
import type { ServerStore } from './store.ts'

/** What the files origin needs to answer. */
export interface FilesOriginContext {
  store: ServerStore
  signer: UrlSigner
  /** Whether signed URLs also accept HEAD (false mimics GET-only signatures: HEAD gets 403). */
  allowHead: boolean
}

/** Answers one files-origin request. */
export function handleFilesRequest(
  method: string,
  url: URL,
  rangeHeader: string | undefined,
  ctx: FilesOriginContext,
): Reply {
  if (method !== 'GET' && method !== 'HEAD') {
    const reply = storageError(405, 'MethodNotAllowed', `The method ${method} is not allowed.`)
    reply.headers.allow = 'GET, HEAD'
    return reply
  }
  const check = ctx.signer.verify(url.pathname, url.searchParams)
  if (check === 'missing') {
    return storageError(403, 'AccessDenied', 'Access denied: the request has no valid signature.')
  }
  if (check === 'bad-signature' || (method === 'HEAD' && !ctx.allowHead)) {
    return storageError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    )
  }
  if (check === 'expired') {
    return storageError(
      400,
      'ExpiredToken',
      'The provided token has expired. Request signature expired.',
    )
  }
  const file = ctx.store.objects.get(url.pathname)
  const streamed = file ? undefined : ctx.store.streamedObjects.get(url.pathname)
  const found = file ?? streamed
  if (!found) return storageError(404, 'NoSuchKey', 'The specified key does not exist.')
  const md5 = file ? file.md5 : streamed!.part.md5
  const size = file ? file.bytes.byteLength : streamed!.part.size
  const headers: Record<string, string> = {
    'content-type': found.mimetype,
    'accept-ranges': 'bytes',
    // The stored digest, in hex: hashing the bytes on every request cost ~25 ms per 15 MB export.
    etag: `"${Buffer.from(md5, 'base64').toString('hex')}"`,
    'x-goog-hash': `md5=${md5}`,
    'last-modified': new Date(Date.parse(found.updatedAt + 'Z')).toUTCString(),
  }
  const range = parseRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    const reply = storageError(416, 'InvalidRange', 'The requested range cannot be satisfied.')
    reply.headers['content-range'] = `bytes */${size}`
    return reply
  }
  const [start, end] = range ?? [0, size - 1]
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`
  const status = range ? 206 : 200
  if (streamed) {
    const part = streamed.part
    return {
      status,
      headers,
      body: new Uint8Array(0),
      stream: {
        length: end - start + 1,
        chunks: () => method === 'HEAD' || size === 0 ? [] : part.read(start, end),
      },
    }
  }
  return { status, headers, body: range ? file!.bytes.subarray(start, end + 1) : file!.bytes }
}

/**
 * Parses a `Range` header against a size: [start, end] inclusive, undefined to serve the whole
 * body (no header, a non-bytes unit, several ranges, or an invalid value), or `unsatisfiable`.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return [Math.max(0, size - suffix), size - 1]
  }
  const start = Number(m[1])
  if (m[2] !== '' && Number(m[2]) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return [start, m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)]
}
