/**
 * Helpers the LocalRun tests share: collecting a batched stream and removing the temporary
 * folders a test file made.
 */
import { rm } from 'node:fs/promises'

/** Collects every batch of a batched stream into one array. */
export async function drain<T>(stream: ReadableStream<T[]>): Promise<T[]> {
  const items: T[] = []
  for await (const batch of stream) items.push(...batch)
  return items
}

/** Removes the folders a test file made (pass it the array it pushed them to, from `after`). */
export async function removeDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
}
