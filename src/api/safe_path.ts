/**
 * Keeping downloads inside their target folder: rejects names with `..`, absolute paths, drive
 * letters and NUL bytes (links on the way are refused by `src/fs/safe_write.ts`).
 *
 * @module
 */
import { isAbsolute, relative, resolve } from 'node:path'

/** Error text shared by the checks. */
function escapeError(name: string, dir: string, why: string): Error {
  return new Error(
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
