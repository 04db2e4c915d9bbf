/**
 * Keeping downloads inside their target folder: rejects names with `..`, absolute paths, drive
 * letters, NUL bytes and a trailing `/` (links on the way are refused by `src/fs/safe_write.ts`),
 * and two server names that lead to one file (`col/x.txt` and `col//x.txt`).
 *
 * @module
 */
import { isAbsolute, relative, resolve } from 'node:path'
import process from 'node:process'

/** A server-provided file name wbx will not save: it escapes the folder, names a folder, or clashes. */
export class UnsafeNameError extends Error {
  /** Creates the error with its full message. */
  constructor(message: string) {
    super(message)
    this.name = 'UnsafeNameError'
  }
}

/** Error text shared by the checks. */
function escapeError(name: string, dir: string, why: string): Error {
  return new UnsafeNameError(
    `Cannot download '${name}' into ${dir}: ${why}; the server-provided name would escape the target folder`,
  )
}

/**
 * Resolves `name` (a server-provided relative file name using `/`) inside `dir`, rejecting names
 * that are empty, absolute, contain `.`/`..` segments, backslashes used as `..`, or NUL bytes.
 */
export function resolveInside(dir: string, name: string): string {
  if (name === '' || name.includes('\0')) {
    throw escapeError(name, dir, 'the name is empty or has a NUL byte')
  }
  if (
    isAbsolute(name) || name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)
  ) {
    throw escapeError(name, dir, 'the name is an absolute path')
  }
  if (/[\\/]$/.test(name)) {
    throw new UnsafeNameError(
      `Cannot download '${name}' into ${dir}: the name ends with '/', which names a folder, not a file; ` +
        'wbx saves files only (leave it out with a narrower pattern)',
    )
  }
  const segments = name.split(/[\\/]/)
  if (segments.some((s) => s === '..' || s === '.')) {
    throw escapeError(name, dir, 'the name has a "." or ".." segment')
  }
  const root = resolve(dir)
  const target = resolve(root, ...segments.filter((s) => s !== ''))
  const rel = relative(root, target)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw escapeError(name, dir, 'the name resolves outside the folder')
  }
  return target
}

/** File systems that fold case (macOS, Windows by default): `A.txt` and `a.txt` are one file there. */
const FOLDS_CASE = process.platform === 'darwin' || process.platform === 'win32'

/**
 * Resolves `name` like {@linkcode resolveInside} and records it in `claims` (target → name),
 * throwing when another server name already leads to the same file (`col/x.txt`, `col//x.txt`;
 * on macOS and Windows also names differing only in case), so neither overwrites the other.
 */
export function claimTarget(claims: Map<string, string>, dir: string, name: string): string {
  const target = resolveInside(dir, name)
  const key = FOLDS_CASE ? target.toLowerCase() : target
  const other = claims.get(key)
  if (other !== undefined && other !== name) {
    throw new UnsafeNameError(
      `Cannot save both '${other}' and '${name}' in ${dir}: the two server file names lead to the ` +
        `same file ${target}, so one would overwrite the other; rename one of them on the server or ` +
        'leave one out with a narrower pattern',
    )
  }
  claims.set(key, name)
  return target
}
