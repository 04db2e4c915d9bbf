/**
 * The one way wbx writes under an output root (an export folder, the folder of a `-o` file, a
 * download folder): every path component below the root is checked with `lstat` and refused when
 * it is a symbolic link, folders are created one component at a time, temporary files are created
 * exclusively (`wx`, a random name holding the writer's pid) and renamed over the target only after
 * the path is checked again. The root itself is the user's choice and may be a link.
 *
 * A process racing wbx inside the output folder (swapping a folder for a link between the check
 * and the open) is not stopped; links planted before or between runs are.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { type FileHandle, lstat, mkdir, open, rename } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import process from 'node:process'

/** A write under an output root was refused: a symbolic link or a non-folder is in the way. */
export class UnsafePathError extends Error {
  /** The path component that is a link (or not a folder). */
  readonly path: string

  /** Creates the error for the offending path and the write it stopped. */
  constructor(path: string, target: string, what: string) {
    super(
      `Cannot write ${target}: ${path} is ${what}; remove it or choose another folder ` +
        '(wbx never writes through a link inside its output folder)',
    )
    this.name = 'UnsafePathError'
    this.path = path
  }
}

/** The components of `path` below `root`, as absolute paths from the first one down. */
function componentsBelow(root: string, path: string): string[] {
  const base = resolve(root)
  const rel = relative(base, resolve(base, path))
  if (rel === '') return []
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`Cannot write ${path}: it is outside the output folder ${base}`)
  }
  const out: string[] = []
  let current = base
  for (const part of rel.split(sep)) {
    current = join(current, part)
    out.push(current)
  }
  return out
}

/** The lstat of a path, or undefined when it does not exist. */
async function lstatOrNone(path: string) {
  try {
    return await lstat(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * Throws {@linkcode UnsafePathError} when any component of `path` below `root` (the last one
 * included) is a symbolic link, or a component before the last is not a folder; missing
 * components are fine.
 */
export async function assertNoLinkBelow(root: string, path: string): Promise<void> {
  const parts = componentsBelow(root, path)
  for (const [i, current] of parts.entries()) {
    const info = await lstatOrNone(current)
    if (!info) return
    if (info.isSymbolicLink()) throw new UnsafePathError(current, path, 'a symbolic link')
    if (i < parts.length - 1 && !info.isDirectory()) {
      throw new UnsafePathError(current, path, 'not a folder')
    }
  }
}

/** Creates folder `dir` and its missing parents below `root`, one component at a time, refusing links. */
export async function makeDirInside(root: string, dir: string): Promise<void> {
  await mkdir(resolve(root), { recursive: true })
  for (const current of componentsBelow(root, dir)) {
    let info = await lstatOrNone(current)
    if (!info) {
      await mkdir(current).catch((err) => {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      })
      info = await lstat(current)
    }
    if (info.isSymbolicLink()) throw new UnsafePathError(current, dir, 'a symbolic link')
    if (!info.isDirectory()) throw new UnsafePathError(current, dir, 'not a folder')
  }
}

/** A random part for temporary names: `<pid>-<12 hex digits>`, so a later run can tell a dead writer's leftovers. */
export function tempToken(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`
}

/** An open, newly created file and its path. */
export interface ExclusiveFile {
  /** Absolute path of the file. */
  path: string
  /** Handle open for writing (and reading). */
  handle: FileHandle
}

/**
 * Creates a new file in `dir` below `root` named `prefix + tempToken() + suffix`, exclusively
 * (`wx+`: it fails rather than open anything that exists, a link included).
 */
export async function createExclusive(
  root: string,
  dir: string,
  prefix: string,
  suffix: string,
): Promise<ExclusiveFile> {
  await assertNoLinkBelow(root, dir)
  const path = join(resolve(root, dir), `${prefix}${tempToken()}${suffix}`)
  return { path, handle: await open(path, 'wx+', 0o644) }
}

/**
 * Moves a finished temporary file over `target` after checking again that no component of
 * `target` below `root` is a link (a link at `target` itself is refused, not replaced).
 */
export async function renameInside(root: string, temp: string, target: string): Promise<void> {
  await assertNoLinkBelow(root, target)
  await rename(temp, target)
}

/** Opens `path` below `root` for appending (created when missing), never through a link. */
export async function openAppendInside(root: string, path: string): Promise<FileHandle> {
  await assertNoLinkBelow(root, path)
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT |
    (constants.O_NOFOLLOW ?? 0)
  try {
    return await open(path, flags, 0o644)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UnsafePathError(path, path, 'a symbolic link')
    }
    throw err
  }
}
