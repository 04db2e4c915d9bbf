/**
 * Storing an API key in the netrc file as `wandb login` does (the SDK's `wbauth/wbnetrc.py`):
 * the entry for the host is replaced by `machine <host[:port]>` / `  login user` /
 * `  password <key>`, other entries are kept, and the file is readable by its owner only. The
 * new text goes to an exclusively created temporary file beside it, renamed over it at the end.
 *
 * @module
 */
import { chmod, open, readFile, realpath, rename, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { tempName } from '../export/temp_file.ts'

/** The netrc text with `machine`'s entry replaced by one with `password`, as the SDK writes it. */
export function updatedNetrc(text: string, machine: string, password: string): string {
  const kept: string[] = []
  let inOldEntry = false
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/)
  for (const line of lines) {
    const tokens = splitLine(line)
    if (tokens[0] === 'machine' && tokens[1] === machine) inOldEntry = true
    else if (tokens[0] === 'machine' || tokens[0] === 'default') inOldEntry = false
    if (!inOldEntry) kept.push(line)
  }
  kept.push(`machine ${shellQuote(machine)}`, '  login user', `  password ${shellQuote(password)}`)
  return kept.join('\n') + '\n'
}

/** Writes `key` for `machine` into the netrc file at `path` atomically, mode 0600. */
export async function storeNetrcKey(path: string, machine: string, key: string): Promise<void> {
  let target = path
  let text = ''
  try {
    target = await realpath(path) // keep a symlinked ~/.netrc a symlink: replace its target
    text = await readFile(target, 'utf8')
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') {
      throw new Error(`Cannot read ${path}: ${(err as Error).message}`, { cause: err })
    }
  }
  const temp = join(dirname(target), tempName('netrc'))
  const bytes = new TextEncoder().encode(updatedNetrc(text, machine, key))
  let handle
  try {
    handle = await open(temp, 'wx', 0o600)
    await handle.chmod(0o600)
    await handle.writeFile(bytes)
    await handle.sync()
    await handle.close()
    handle = undefined
    await rename(temp, target)
    await chmod(target, 0o600)
  } catch (err) {
    await handle?.close().catch(() => {})
    await unlink(temp).catch(() => {})
    throw new Error(`Cannot write ${path}: ${(err as Error).message}`, { cause: err })
  }
}

/** The tokens of one netrc line (sh-style quotes, as Python's shlex splits them). */
function splitLine(line: string): string[] {
  const out: string[] = []
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(line)) !== null) out.push(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3])
  return out
}

/** Python's `shlex.quote`: the text as is when it is safe, else single-quoted. */
function shellQuote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text
  return `'${text.replace(/'/g, `'"'"'`)}'`
}
