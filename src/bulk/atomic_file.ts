/**
 * Crash-safe file writes for the export folder: bytes go to `.<name>.wbx-tmp` beside the target,
 * are hashed (sha256) on the way, flushed to disk and renamed over the target only when complete.
 * A process killed mid-write leaves at most a temporary file, which has a fixed name, so the next
 * write of the same target replaces it and a sweep can recognise it.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** What was written: size and sha256 (hex). */
export interface WrittenFile {
  /** Size in bytes. */
  bytes: number
  /** Lower-case hex sha256 of the content. */
  sha256: string
}

/** Suffix of temporary files. */
const TEMP_SUFFIX = '.wbx-tmp'

/** The temporary path used while writing `path`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}${TEMP_SUFFIX}`)
}

/** Whether a file name is a temporary file left by an interrupted write. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX)
}

/**
 * Writes a byte stream to `path` atomically, creating parent folders; resolves with the size and
 * sha256 once the file is in place. On any error or abort the temporary file is removed, the
 * stream cancelled, and an existing file at `path` is left as it was.
 */
export async function writeFileAtomic(
  path: string,
  bytes: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): Promise<WrittenFile> {
  const temp = tempPathFor(path)
  const reader = bytes.getReader()
  const onAbort = () => void reader.cancel(signal!.reason).catch(() => {})
  let handle
  try {
    signal?.throwIfAborted()
    await mkdir(dirname(path), { recursive: true })
    handle = await open(temp, 'w')
  } catch (err) {
    await reader.cancel(err).catch(() => {})
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
    await rename(temp, path)
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

/** Writes a string (UTF-8) to `path` atomically. */
export function writeTextAtomic(path: string, text: string): Promise<WrittenFile> {
  const bytes = new TextEncoder().encode(text)
  return writeFileAtomic(
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
