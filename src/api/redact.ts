/**
 * The one redaction every message goes through before it is shortened, printed or stored: API
 * keys known to this process and their HTTP Basic forms, any `Authorization` value, `Basic`/
 * `Bearer` tokens, user names and passwords in URLs, the query string of every URL (signed
 * storage URLs carry their signature there) and signature parameters quoted on their own.
 *
 * @module
 */

/** What a removed secret is replaced with. */
export const REDACTED = '***'

/** Most API keys remembered (each with its encoded forms). */
const MAX_KEYS = 16

/** The secret texts of the keys this process was given, newest last. */
const known: string[][] = []

/** Base64 of a string's UTF-8 bytes. */
function base64(text: string): string {
  let binary = ''
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b)
  return btoa(binary)
}

/**
 * The texts that give an API key away: the key, the HTTP Basic value base64(`api:<key>`) as
 * sent, URL-encoded and in base64url, and base64 of the key alone.
 */
export function secretForms(apiKey: string): string[] {
  const basic = base64(`api:${apiKey}`)
  const plain = base64(apiKey)
  const url = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const forms = [apiKey, basic, encodeURIComponent(basic), url(basic), plain, url(plain)]
  return [...new Set(forms.map((f) => f.replace(/=+$/, '')))].filter((f) => f.length >= 4)
}

/** Remembers an API key so every later message is cleaned of it (and of its Basic forms). */
export function registerSecret(apiKey: string | undefined): void {
  if (!apiKey || apiKey.length < 4) return
  const forms = secretForms(apiKey)
  const i = known.findIndex((f) => f[0] === forms[0])
  if (i >= 0) known.splice(i, 1)
  known.push(forms)
  if (known.length > MAX_KEYS) known.shift()
}

/** `Authorization: <scheme> <value>` in headers, JSON or logs (the header name kept, the value not). */
const AUTHORIZATION =
  /((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?)((?:basic|bearer|token|digest)\s+)?[^\s"'\\,;}&]+/gi

/** A bare `Basic xxx` or `Bearer xxx` credential. */
const SCHEME_TOKEN = /\b(Basic|Bearer)\s+[A-Za-z0-9+/_.~-]{8,}=*/g

/** `user:password@` (or `token@`) in a URL. */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi

/** A URL's query string (and fragment): signed URLs carry the signature and credential there. */
const URL_QUERY = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>()]+)[?#][^\s"'<>()]*/gi

/** Signature and token parameters quoted without their URL. */
const SIGNED_PARAM =
  /\b(x-goog-signature|x-goog-credential|x-amz-signature|x-amz-credential|x-amz-security-token|signature|sig|access_token|token|api_key|apikey)=[^&\s"'<>]+/gi

/**
 * Removes every secret from `text`: the given `secrets`, every registered key's forms, any
 * `Authorization` value, URL credentials and URL query strings. Apply it before shortening.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  const all = [...secrets, ...known.flat()].filter((s) => s.length >= 4)
  all.sort((a, b) => b.length - a.length)
  let out = text
  for (const secret of all) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
  return out
    .replace(AUTHORIZATION, `$1$2${REDACTED}`)
    .replace(SCHEME_TOKEN, `$1 ${REDACTED}`)
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(URL_QUERY, `$1?${REDACTED}`)
    .replace(SIGNED_PARAM, `$1=${REDACTED}`)
}
