/**
 * Crash-safe file writes for the export folder through the one atomic writer
 * (`src/fs/atomic_write.ts`): bytes go to `.<name>.<pid>-<random>.wbx-tmp` beside the target
 * (created exclusively, never through a link below the export folder), are hashed (sha256) on the
 * way, flushed to disk and renamed over the target only when complete. A
 * process killed mid-write leaves at most a temporary file, which a sweep or the next export's
 * stale-temp cleanup recognises by its name.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { writeAtomic } from '../fs/atomic_write.ts'
import { oneBatch } from '../streams/one_batch.ts'

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
  const hash = createHash('sha256')
  const size = await writeAtomic(root, path, bytes, {
    tempPrefix: `.${basename(path)}.`,
    tempSuffix: TEMP_SUFFIX,
    advice: 'check that the export folder is writable',
    makeDirs: true,
    onChunk: (chunk) => hash.update(chunk),
    // Every stream written here has this write as its only reader.
    givePiecesBack: true,
    signal,
  })
  return { bytes: size, sha256: hash.digest('hex') }
}

/** Writes a string (UTF-8) to `path` inside `root` atomically. */
export function writeTextAtomic(root: string, path: string, text: string): Promise<WrittenFile> {
  return writeFileAtomic(root, path, oneBatch(new TextEncoder().encode(text)))
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
