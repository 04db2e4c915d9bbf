/**
 * Decoding a run node's JSON fields the way the SDK's `_load_from_attrs` does.
 *
 * @module
 */
import { parseJson } from '../json/parse_json.ts'

/** Config keys that go to `rawconfig` only (runs.py `WANDB_INTERNAL_KEYS`). */
export const WANDB_INTERNAL_KEYS: ReadonlySet<string> = new Set(['_wandb', 'wandb_version'])

/** Escapes raw control characters inside JSON strings (Python's `json.loads(strict=False)` accepts them). */
function escapeControlCharsInStrings(text: string): string {
  let out = ''
  let inString = false
  let escaped = false
  for (const ch of text) {
    const code = ch.charCodeAt(0)
    if (inString) {
      if (escaped) escaped = false
      else if (ch === '\\') escaped = true
      else if (ch === '"') inString = false
      else if (code < 0x20) {
        out += `\\u${code.toString(16).padStart(4, '0')}`
        continue
      }
    } else if (ch === '"') inString = true
    out += ch
  }
  return out
}

/**
 * The SDK's `_convert_to_dict`: null → `{}`, an object as is, a JSON string parsed (accepting
 * NaN/Infinity and raw control characters in strings); anything else is a TypeError.
 */
export function convertToDict(value: unknown, what: string): Record<string, unknown> {
  if (value === null || value === undefined) return {}
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  if (typeof value === 'string') {
    let parsed: unknown
    try {
      parsed = parseJson(value)
    } catch {
      parsed = parseJson(escapeControlCharsInStrings(value))
    }
    if (parsed === null) return {}
    if (typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>
    }
  }
  throw new TypeError(`Cannot read the run's ${what}: expected a JSON object, got ${typeof value}`)
}

/**
 * Unwraps `{key: {value, desc}}` config entries: returns `config` (user keys only) and `rawconfig`
 * (internal keys first, then user keys), as runs.py `_load_from_attrs` builds them.
 */
export function splitConfig(config: Record<string, unknown>): {
  config: Record<string, unknown>
  rawconfig: Record<string, unknown>
} {
  const user: Record<string, unknown> = {}
  const raw: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(config)) {
    const target = WANDB_INTERNAL_KEYS.has(key) ? raw : user
    const unwrapped =
      value !== null && typeof value === 'object' && !Array.isArray(value) && 'value' in value
        ? (value as { value: unknown }).value
        : value
    Object.defineProperty(target, key, {
      value: unwrapped,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  for (const [key, value] of Object.entries(user)) {
    Object.defineProperty(raw, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return { config: user, rawconfig: raw }
}

/** Python's `repr()` of a string (quote choice and escapes), as `to_html` prints attribute values. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (ch === '\\') out += '\\\\'
    else if (ch === quote) out += `\\${quote}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) {
      out += `\\x${code.toString(16).padStart(2, '0')}`
    } else out += ch
  }
  return out + quote
}

/** Python's `urllib.parse.quote(s, safe="")`: percent-encodes every byte except `A-Za-z0-9_.-~`. */
export function quoteSegment(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}
