/**
 * A bounded cache from key bytes to decoded strings and one-segment key paths. History keys
 * repeat in every row, so interning them saves a UTF-8 decode and two allocations per item
 * and lets millions of rows share one string per key.
 *
 * @module
 */
import { decodeUtf8 } from './protobuf_reader.ts'

/** Keys longer than this many bytes are decoded without caching. */
const MAX_KEY_BYTES = 64

interface Entry {
  bytes: Uint8Array
  text: string
  path: string[]
}

/** Interns short UTF-8 keys; holds at most `capacity` distinct keys, then decodes the rest uncached. */
export class KeyCache {
  readonly #slots: Int32Array
  readonly #entries: Entry[] = []
  readonly #capacity: number
  readonly #mask: number

  /** Creates a cache for up to `capacity` keys (memory stays bounded whatever the input). */
  constructor(capacity = 8192) {
    let size = 16
    while (size < capacity * 2) size *= 2
    this.#slots = new Int32Array(size)
    this.#mask = size - 1
    this.#capacity = capacity
  }

  /** The entry for `buf[start, end)`, adding it while there is room; undefined when uncacheable. */
  #entry(buf: Uint8Array, start: number, end: number): Entry | undefined {
    const len = end - start
    if (len > MAX_KEY_BYTES) return undefined
    let h = 0x811c9dc5 ^ len
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193)
    const slots = this.#slots
    let slot = h & this.#mask
    for (;;) {
      const index = slots[slot]
      if (index === 0) break
      const e = this.#entries[index - 1]
      const b = e.bytes
      if (b.length === len) {
        let same = true
        for (let i = 0; i < len; i++) {
          if (b[i] !== buf[start + i]) {
            same = false
            break
          }
        }
        if (same) return e
      }
      slot = (slot + 1) & this.#mask
    }
    if (this.#entries.length >= this.#capacity) return undefined
    const text = decodeUtf8(buf, start, end)
    const bytes = new Uint8Array(buf.subarray(start, end)) // a copy, even when buf is a Buffer
    const e: Entry = { bytes, text, path: Object.freeze([text]) as string[] }
    this.#entries.push(e)
    slots[slot] = this.#entries.length
    return e
  }

  /** The string for UTF-8 bytes `buf[start, end)`. */
  text(buf: Uint8Array, start: number, end: number): string {
    return this.#entry(buf, start, end)?.text ?? decodeUtf8(buf, start, end)
  }

  /** A frozen one-element key path `[text]` for `buf[start, end)`, shared between calls. */
  path(buf: Uint8Array, start: number, end: number): string[] {
    return this.#entry(buf, start, end)?.path ?? [decodeUtf8(buf, start, end)]
  }
}

/** The cache every record decoder shares (strings are immutable and paths frozen, so sharing is safe). */
export const sharedKeyCache: KeyCache = new KeyCache()
