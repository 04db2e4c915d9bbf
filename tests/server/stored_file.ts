/**
 * Building stored files: bytes plus the metadata W&B reports (MD5, MIME type, paths on the
 * files origin and on the API origin).
 *
 * @module
 */
import { md5Base64, nodeId } from './ids.ts'
import type { StoredFile } from './records.ts'

const MIME_TYPES: Record<string, string> = {
  json: 'application/json',
  yaml: 'text/yaml',
  yml: 'text/yaml',
  txt: 'text/plain',
  log: 'text/plain',
  patch: 'text/plain',
  md: 'text/markdown',
  py: 'text/x-python',
  csv: 'text/csv',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  html: 'text/html',
  parquet: 'application/vnd.apache.parquet',
  wandb: 'application/octet-stream',
}

/** The MIME type W&B would report for a file name (by extension; octet-stream otherwise). */
export function mimeTypeOf(name: string): string {
  const dot = name.lastIndexOf('.')
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase()
  return MIME_TYPES[ext] ?? 'application/octet-stream'
}

/** Percent-encodes each `/`-separated segment of a path. */
export function encodePath(...segments: string[]): string {
  return segments.flatMap((s) => s.split('/')).map(encodeURIComponent).join('/')
}

/** Options for {@linkcode makeStoredFile}. */
export interface StoredFileOptions {
  /** Node ID descriptor parts; @default ['File', storagePath] */
  idParts?: (string | number)[]
  /** MIME type; @default derived from the name */
  mimetype?: string
  /** Update time (W&B format). */
  updatedAt: string
  /** Path on the files origin. */
  storagePath: string
  /** Path on the API origin; @default storagePath */
  apiPath?: string
}

/** Creates a stored file record for `name` with the given bytes (strings become UTF-8). */
export function makeStoredFile(
  name: string,
  content: Uint8Array | string,
  options: StoredFileOptions,
): StoredFile {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content
  return {
    id: nodeId(...(options.idParts ?? ['File', options.storagePath])),
    name,
    bytes,
    mimetype: options.mimetype ?? mimeTypeOf(name),
    md5: md5Base64(bytes),
    updatedAt: options.updatedAt,
    storagePath: options.storagePath,
    apiPath: options.apiPath ?? options.storagePath,
  }
}
