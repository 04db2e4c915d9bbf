/**
 * Crash-safe file writes for the export folder: bytes go to `.<name>.<pid>-<random>.wbx-tmp`
 * beside the target (created exclusively, never through a link below the export folder), are
 * hashed (sha256) on the way, flushed to disk and renamed over the target only when complete. A
 * process killed mid-write leaves at most a temporary file, which a sweep or the next export's
 * stale-temp cleanup recognises by its name.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, unlink } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { createExclusive, makeDirInside, renameInside, UnsafePathError } from '../fs/safe_write.ts'

/** What was written: size and sha256 (hex). */
export interface WrittenFile {
  /** Size in bytes. */
  bytes: number
  /** Lower-case hex sha256 of the content. */
  sha256: string
}

/** Suffix of temporary files. */
const TEMP_SUFFIX = '.wbx-tmp'

/** Whether a file name is a temporary file left by an interrupted write. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX)
}

/**
 * Writes a byte stream to `path` (inside the export folder `root`) atomically, creating parent
 * folders; resolves with the size and sha256 once the file is in place. A symbolic link at any
 * path component below `root` is refused. On any error or abort the temporary file is removed,
 * the stream cancelled, and an existing file at `path` is left as it was.
 */
export async function writeFileAtomic(
  root: string,
  path: string,
  bytes: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): Promise<WrittenFile> {
  const reader = bytes.getReader()
  const onAbort = () => void reader.cancel(signal!.reason).catch(() => {})
  let handle
  let temp: string
  try {
    signal?.throwIfAborted()
    await makeDirInside(root, dirname(path))
    ;({ path: temp, handle } = await createExclusive(
      root,
      dirname(path),
      `.${basename(path)}.`,
      TEMP_SUFFIX,
    ))
  } catch (err) {
    await reader.cancel(err).catch(() => {})
    if (err instanceof UnsafePathError) throw err
    throw new Error(
      `Cannot write ${path}: ${(err as Error).message}; check that the export folder is writable`,
      { cause: err },
    )
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  const hash = createHash('sha256')
  let size = 0
  let closed = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      signal?.throwIfAborted()
      if (done) break
      hash.update(value)
      let offset = 0
      while (offset < value.byteLength) {
        const { bytesWritten } = await handle.write(value, offset, value.byteLength - offset)
        offset += bytesWritten
      }
      size += value.byteLength
    }
    await handle.sync()
    closed = true
    await handle.close()
    await renameInside(root, temp, path)
    await syncFolder(dirname(path))
    return { bytes: size, sha256: hash.digest('hex') }
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

/** Writes a string (UTF-8) to `path` inside `root` atomically. */
export function writeTextAtomic(root: string, path: string, text: string): Promise<WrittenFile> {
  const bytes = new TextEncoder().encode(text)
  return writeFileAtomic(
    root,
    path,
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes)
        controller.close()
      },
    }),
  )
}

/** Size and sha256 of a file on disk; rejects when it cannot be read. */
export function hashFile(path: string, signal?: AbortSignal): Promise<WrittenFile> {
  return new Promise<WrittenFile>((resolve, reject) => {
    const hash = createHash('sha256')
    let size = 0
    const stream = createReadStream(path, { signal })
    stream.on('data', (chunk) => {
      size += chunk.length
      hash.update(chunk)
    })
    stream.on('error', reject)
    stream.on('end', () => resolve({ bytes: size, sha256: hash.digest('hex') }))
  })
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
