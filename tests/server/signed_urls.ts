/**
 * Signed URLs for the files origin, shaped like cloud-storage signed URLs: the path plus
 * `Expires` (epoch seconds) and `Signature` (HMAC-SHA256 over path and expiry) query parameters.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Buffer } from 'node:buffer'

/** Options for {@linkcode UrlSigner}. */
export interface UrlSignerOptions {
  /** HMAC key. */
  secret: string
  /** How long a URL stays valid, in seconds; @default 3600 */
  ttlSeconds?: number
  /** Clock in epoch milliseconds; @default Date.now */
  now?: () => number
}

/** Why a signed URL was refused, or `ok`. */
export type SignatureCheck = 'ok' | 'missing' | 'expired' | 'bad-signature'

/** Signs and verifies files-origin URLs. */
export class UrlSigner {
  /** The files origin, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string
  #secret: string
  #ttl: number
  #now: () => number

  /** Creates a signer for one origin. */
  constructor(origin: string, options: UrlSignerOptions) {
    this.origin = origin
    this.#secret = options.secret
    this.#ttl = options.ttlSeconds ?? 3600
    this.#now = options.now ?? Date.now
  }

  /** A signed absolute URL for a path (already percent-encoded) on the files origin. */
  sign(path: string): string {
    const expires = Math.floor(this.#now() / 1000) + this.#ttl
    return `${this.origin}${path}?Expires=${expires}&Signature=${this.#mac(path, expires)}`
  }

  /** Checks the `Expires` and `Signature` parameters of a request for `path`. */
  verify(path: string, params: URLSearchParams): SignatureCheck {
    const expires = params.get('Expires')
    const signature = params.get('Signature')
    if (!expires || !signature || !/^\d+$/.test(expires)) return 'missing'
    const want = Buffer.from(this.#mac(path, Number(expires)))
    const got = Buffer.from(signature)
    if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad-signature'
    if (Math.floor(this.#now() / 1000) >= Number(expires)) return 'expired'
    return 'ok'
  }

  /** The signature of a path and expiry. */
  #mac(path: string, expires: number): string {
    return createHmac('sha256', this.#secret).update(`${path}\n${expires}`).digest('base64url')
  }
}
