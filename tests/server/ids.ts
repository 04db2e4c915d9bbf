/**
 * Opaque identifiers the test server hands out the way W&B does: base64 node IDs
 * (`Run:v1:<name>:<project>:<entity>`), opaque page cursors, and W&B-style timestamps.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'

/** Encodes a node ID the way W&B does: standard base64 of a colon-separated descriptor. */
export function nodeId(...parts: (string | number)[]): string {
  return Buffer.from(parts.join(':'), 'utf8').toString('base64')
}

/** Decodes a node ID back to its colon-separated parts, or undefined when it is not one of ours. */
export function parseNodeId(id: string): string[] | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(id)) return undefined
  const text = Buffer.from(id, 'base64').toString('utf8')
  return text.includes(':') ? text.split(':') : undefined
}

/** Thrown by resolvers for a request the server refuses as malformed (answered with HTTP 400). */
export class BadRequestError extends Error {
  /** Creates the error with a message for the GraphQL `errors` list. */
  constructor(message: string) {
    super(message)
    this.name = 'BadRequestError'
  }
}

/** Encodes a page cursor: base64url JSON of the position, opaque to clients. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url')
}

/** Decodes a cursor made by {@linkcode encodeCursor}; throws BadRequestError for anything else. */
export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new BadRequestError(`invalid cursor ${JSON.stringify(cursor)}`)
  }
}

/** Formats epoch milliseconds as W&B formats `createdAt`: ISO 8601 to the second, no zone. */
export function wandbTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19)
}

/** The base64 MD5 digest W&B reports for files (`md5`) and manifest entries (`digest`). */
export function md5Base64(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('base64')
}

/** The hex MD5 digest (artifact storage paths and ETags). */
export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex')
}
