/**
 * The request log tests read to assert what clients sent: origin, method, path and query,
 * every header (so a test can prove the API key never reached the files origin), the body and
 * GraphQL operation on the API origin, the status answered and any fault injected.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { FaultKind, Origin } from './faults.ts'

/** One logged request. */
export interface RequestLogEntry {
  /** 1-based sequence number across both origins. */
  seq: number
  origin: Origin
  method: string
  /** URL path without the query string. */
  path: string
  /** Path plus query string, as requested. */
  url: string
  /** Request headers, names lower-cased, repeated values joined with `, `. */
  headers: Record<string, string>
  /** The decoded request body (API origin; empty for bodiless requests). */
  body: string
  /** GraphQL operation name (API origin). */
  operation?: string
  /** GraphQL variables (API origin). */
  variables?: Record<string, unknown>
  /** Status answered (0 when the connection was dropped). */
  status: number
  /** Whether the rate limit refused it (429). */
  rateLimited?: boolean
  /** The fault injected, if any. */
  fault?: FaultKind
  /** Epoch ms when the request arrived. */
  receivedAt: number
}

/** Copies a request's headers into a plain object. */
export function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
