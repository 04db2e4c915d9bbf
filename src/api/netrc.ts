/**
 * Reading a W&B API key from the netrc file, as the SDK does (`wbauth/wbnetrc.py`).
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { env } from '../runtime.ts'

/** The netrc path the SDK uses: `$NETRC` (with `~` expanded), else `~/.netrc`, else `~/_netrc`. */
export function netrcPath(): string {
  const fromEnv = env('NETRC')
  const home = homedir()
  if (fromEnv) return fromEnv.startsWith('~') ? join(home, fromEnv.slice(1)) : fromEnv
  const dot = join(home, '.netrc')
  const underscore = join(home, '_netrc')
  if (existsSync(dot)) return dot
  if (existsSync(underscore)) return underscore
  return dot
}

/** Splits netrc text into tokens, honouring double quotes and skipping `#` comments and macdefs. */
function tokens(text: string): string[] {
  const out: string[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g
    let m: RegExpExecArray | null
    while ((m = re.exec(line)) !== null) {
      if (m[2]?.startsWith('#')) break
      out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2])
      if (out[out.length - 1] === 'macdef' && m[1] === undefined) {
        // A macro body runs until the next empty line.
        out.pop()
        while (i + 1 < lines.length && lines[i + 1].trim() !== '') i++
        break
      }
    }
  }
  return out
}

/**
 * Returns the password of `machine` (or, when no entry names it, of `default`) in netrc `text`,
 * or undefined. As in Python's `netrc` (what the SDK reads with), a later entry for the same
 * machine replaces an earlier one, and within an entry the last `password` counts.
 */
export function netrcPassword(text: string, machine: string): string | undefined {
  const t = tokens(text)
  const entries = new Map<string, string | undefined>()
  let current: string | undefined
  for (let i = 0; i < t.length; i++) {
    const word = t[i]
    if (word === 'machine' || word === 'default') {
      current = word === 'default' ? '\0default' : t[++i]
      entries.set(current, undefined) // a new entry replaces an earlier one of the same name
    } else if (word === 'password') {
      const value = t[++i]
      if (current !== undefined) entries.set(current, value)
    } else if (word === 'login' || word === 'account') {
      i++
    }
  }
  const password = entries.has(machine) ? entries.get(machine) : entries.get('\0default')
  return password === '' ? undefined : password
}

/**
 * Reads the API key for the API host (`host[:port]`) from the netrc file; undefined when the file,
 * the entry or its password is missing or unreadable (the SDK only warns in those cases).
 */
export function readNetrcApiKey(machines: readonly string[]): string | undefined {
  let text: string
  try {
    text = readFileSync(netrcPath(), 'utf8')
  } catch {
    return undefined
  }
  for (const machine of machines) {
    const key = netrcPassword(text, machine)
    if (key) return key
  }
  return undefined
}
