/**
 * Naming what a path is when wbx expected a regular file, so an error can say "a FIFO (named
 * pipe)" instead of a misleading ENOTDIR, and nothing blocks opening a pipe for reading.
 *
 * @module
 */
import type { Stats } from 'node:fs'

/** What a non-regular path is, in words (`a FIFO (named pipe)`, `a folder`, ...). */
export function fileKind(info: Stats): string {
  if (info.isFile()) return 'a regular file'
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a FIFO (named pipe)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  if (info.isSymbolicLink()) return 'a symbolic link'
  return 'not a regular file'
}

/** The error for a path that had to be a regular file: names the path and what it is instead. */
export function notRegularFileError(path: string, info: Stats, what: string): Error {
  return new Error(
    `Cannot read ${path}: it is ${fileKind(info)}, not a regular file; ${what}`,
  )
}
