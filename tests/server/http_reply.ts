/**
 * Writing replies on a node:http response, with faults applied on the way out: a replaced
 * status, a dropped connection, a body cut short, or a stall before or inside the body.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { BandwidthCap } from './bandwidth.ts'
import type { FaultRule, Origin } from './faults.ts'

/** A complete reply, ready to write. */
export interface Reply {
  status: number
  headers: Record<string, string>
  body: Uint8Array
  /** A body produced while it is sent (then `body` is empty): its length and its chunks. */
  stream?: { length: number; chunks: () => Iterable<Uint8Array> }
}

/** How an origin shapes its replies: a delay before the answer, a shared byte rate. */
export interface Shaping {
  /** Wait before answering, in ms; @default 0 */
  delayMs?: number
  /** The link the body's bytes queue on. */
  bandwidth?: BandwidthCap
}

/** Bytes per write when a body is paced or streamed. */
const CHUNK = 64 * 1024

/** A JSON reply. */
export function jsonReply(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(value), 'utf8'),
  }
}

/** A text reply. */
export function textReply(
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { 'content-type': contentType, ...headers },
    body: Buffer.from(text, 'utf8'),
  }
}

/** A cloud-storage style XML error (what signed-URL hosts answer). */
export function storageError(status: number, code: string, message: string): Reply {
  const xml = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code>` +
    `<Message>${message}</Message></Error>`
  return textReply(status, xml, 'application/xml; charset=UTF-8')
}

/** The reply a `status` fault sends instead of the real one. */
export function faultReply(rule: FaultRule, origin: Origin): Reply {
  const status = rule.status ?? 503
  const headers: Record<string, string> = {}
  if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter)
  if (rule.body !== undefined) {
    return textReply(status, rule.body, 'text/plain; charset=utf-8', headers)
  }
  const message = status === 429 ? 'rate limit exceeded' : `injected fault: HTTP ${status}`
  if (origin === 'api') return jsonReply(status, { errors: [{ message }] }, headers)
  const xml = storageError(status, status === 429 ? 'SlowDown' : 'InternalError', message)
  return { ...xml, headers: { ...xml.headers, ...headers } }
}

/** Tracks timers so a stopping server can cut stalled replies short. */
export class Timers {
  #pending = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>()

  /** Resolves after `ms`, or at once when {@linkcode Timers.cancelAll} runs. */
  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#pending.delete(entry)
          resolve()
        }, ms),
        resolve,
      }
      this.#pending.add(entry)
    })
  }

  /** Ends every wait now. */
  cancelAll(): void {
    for (const e of this.#pending) {
      clearTimeout(e.timer)
      e.resolve()
    }
    this.#pending.clear()
  }
}

/**
 * Writes a reply after the shaping delay, applying a `truncate` or `slow` fault and the
 * bandwidth cap; returns the status sent (0: dropped).
 */
export async function deliver(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  fault: FaultRule | undefined,
  timers: Timers,
  shaping: Shaping = {},
): Promise<number> {
  if (fault?.kind === 'drop') {
    req.socket.destroy()
    return 0
  }
  if ((shaping.delayMs ?? 0) > 0) await timers.wait(shaping.delayMs!)
  if (reply.stream && (fault?.kind === 'truncate' || fault?.kind === 'slow')) {
    reply = { ...reply, body: concat(reply.stream.chunks()), stream: undefined }
  }
  const head = req.method === 'HEAD'
  const length = reply.stream ? reply.stream.length : reply.body.byteLength
  const body = head ? new Uint8Array(0) : reply.body
  const headers = { ...reply.headers, 'content-length': String(length) }
  if (fault?.kind === 'slow' && !fault.stallBody) await timers.wait(fault.delayMs ?? 1000)
  if (res.destroyed) return 0
  res.writeHead(reply.status, headers)
  if (fault?.kind === 'truncate' && !head) {
    const wanted = fault.truncateAt ?? Math.floor(body.byteLength / 2)
    const cut = Math.max(0, Math.min(body.byteLength - 1, wanted))
    await write(res, body.subarray(0, cut))
    await timers.wait(10)
    res.socket?.destroy()
    return reply.status
  }
  if (fault?.kind === 'slow' && fault.stallBody && !head) {
    const half = Math.floor(body.byteLength / 2)
    await write(res, body.subarray(0, half))
    await timers.wait(fault.delayMs ?? 1000)
    if (res.destroyed) return reply.status
    res.end(body.subarray(half))
    return reply.status
  }
  if (!head && (reply.stream || shaping.bandwidth)) {
    for (const chunk of reply.stream ? reply.stream.chunks() : [body]) {
      for (let at = 0; at < chunk.byteLength; at += CHUNK) {
        const piece = chunk.subarray(at, at + CHUNK)
        const wait = shaping.bandwidth?.reserve(piece.byteLength) ?? 0
        if (wait >= 1) await timers.wait(wait)
        if (res.destroyed) return reply.status
        await write(res, piece)
      }
    }
    res.end()
    return reply.status
  }
  res.end(body)
  return reply.status
}

/** Joins chunks into one buffer. */
function concat(chunks: Iterable<Uint8Array>): Uint8Array {
  const list = [...chunks]
  const out = new Uint8Array(list.reduce((n, c) => n + c.byteLength, 0))
  let at = 0
  for (const c of list) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

/** Writes a chunk and resolves once it is flushed. */
function write(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise<void>((resolve) => {
    if (chunk.byteLength === 0) resolve()
    else res.write(chunk, () => resolve())
  })
}
