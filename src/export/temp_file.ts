/**
 * Temporary files for the exporters' spools and for atomic writes: created exclusively, written
 * completely, read by position, and removed quietly.
 *
 * @module
 */
import { type FileHandle, open, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tempToken } from '../fs/safe_write.ts'

/** An open temporary file and its path. */
export interface TempFile {
  /** Absolute or caller-relative path of the file. */
  path: string
  /** The open handle (read and write). */
  handle: FileHandle
}

/** A name no other process or call will pick: `.wbx-<label>-<pid>-<random>.tmp`. */
export function tempName(label: string): string {
  return `.wbx-${label}-${tempToken()}.tmp`
}

/** Creates a new empty file in `dir` (default: the OS temp folder), failing if the name exists. */
export async function createTempFile(label: string, dir?: string): Promise<TempFile> {
  const path = join(dir ?? tmpdir(), tempName(label))
  try {
    return { path, handle: await open(path, 'wx+') }
  } catch (err) {
    throw new Error(
      `Cannot create temporary file ${path}: ${
        (err as Error).message
      }; set tempDir to a writable folder`,
      { cause: err },
    )
  }
}

export { writeAll } from '../fs/atomic_write.ts'

/** Reads up to `length` bytes at `position` into a new array, shorter only at end of file. */
export async function readAt(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Uint8Array> {
  const out = new Uint8Array(length)
  let done = 0
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done === length ? out : out.subarray(0, done)
}

/** Closes a handle and deletes its file, ignoring errors (the file may already be gone). */
export async function discardTempFile(file: TempFile | undefined): Promise<void> {
  if (!file) return
  await file.handle.close().catch(() => {})
  await removeQuietly(file.path)
}

/** Deletes a file, ignoring a missing file and any other error. */
export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => {})
}
