/**
 * The one atomic file writer (`-o file` exports, the bulk export folder): the bytes go to a
 * temporary file beside the target, created exclusively under a random name holding the writer's
 * pid (so a later run can tell a dead writer's leftovers), never through a symbolic link below the
 * output root; it is flushed to disk and renamed over the target only when the stream ends
 * cleanly, and the folder entry is flushed too. An error, an abort or a cancel removes the
 * temporary file, cancels the stream and leaves an existing file at the target as it was.
 *
 * @module
 */
import { type FileHandle, open, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createExclusive, makeDirInside, renameInside, UnsafePathError } from './safe_write.ts'
import { givePieceBack } from '../byte_pieces.ts'

/** Options of {@linkcode writeAtomic}. */
export interface AtomicWriteOptions {
  /** The temporary file's name before the random token, e.g. `.wbx-out-`. */
  tempPrefix: string
  /** The temporary file's name after the random token, e.g. `.tmp`. */
  tempSuffix: string
  /** What to tell the user when the temporary file cannot be created (after `; `). */
  advice: string
  /** Create the target's missing folders below the root. @default false: a missing folder is an Error */
  makeDirs?: boolean
  /** How messages name the file. @default the target path */
  label?: string
  /** Sees each chunk before it is written (to hash it, say). */
  onChunk?: (chunk: Uint8Array) => void
  /**
   * The stream has no other reader: chunks lent by `byte_pieces.ts` go back once written.
   * @default false
   */
  givePiecesBack?: boolean
  /** Aborting stops the write, removes the temporary file and rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * Writes a byte stream to `path` (an absolute path below the output folder `root`) atomically;
 * resolves with the byte count once the file is in place.
 */
export async function writeAtomic(
  root: string,
  path: string,
  bytes: ReadableStream<Uint8Array>,
  options: AtomicWriteOptions,
): Promise<number> {
  const { signal, onChunk } = options
  const label = options.label ?? path
  const reader = bytes.getReader()
  const onAbort = () => void reader.cancel(signal!.reason).catch(() => {})
  let handle: FileHandle
  let temp: string
  try {
    signal?.throwIfAborted()
    if (options.makeDirs) await makeDirInside(root, dirname(path))
    ;({ path: temp, handle } = await createExclusive(
      root,
      dirname(path),
      options.tempPrefix,
      options.tempSuffix,
    ))
  } catch (err) {
    await reader.cancel(err).catch(() => {})
    if (err instanceof UnsafePathError || signal?.aborted) throw err
    throw new Error(`Cannot write ${label}: ${(err as Error).message}; ${options.advice}`, {
      cause: err,
    })
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  if (signal?.aborted) onAbort()
  let total = 0
  let closed = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      // A cancel from the abort listener ends the read as "done": never take that for success.
      signal?.throwIfAborted()
      if (done) break
      onChunk?.(value)
      await writeAll(handle, value)
      total += value.byteLength
      if (options.givePiecesBack) givePieceBack(value)
    }
    await handle.sync()
    closed = true
    await handle.close()
    await renameInside(root, temp, path).catch((err) => {
      if (err instanceof UnsafePathError) throw err
      throw new Error(`Cannot move the finished file to ${label}: ${err.message}`, { cause: err })
    })
    await syncFolder(dirname(path))
    return total
  } catch (err) {
    await reader.cancel(err).catch(() => {})
    if (!closed) await handle.close().catch(() => {})
    await unlink(temp).catch(() => {})
    throw err
  } finally {
    signal?.removeEventListener('abort', onAbort)
    reader.releaseLock()
  }
}

/** Writes all of `bytes` at the handle's current position. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done)
    if (bytesWritten <= 0) {
      throw new Error(`Cannot write to a file: wrote 0 of ${bytes.length - done} bytes`)
    }
    done += bytesWritten
  }
}

/** Flushes a folder's entries (the rename) to disk where the platform allows; errors are ignored. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Not every platform can open or sync a folder (Windows); the rename itself is still atomic.
  }
}
