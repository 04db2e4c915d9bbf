/**
 * Removing what an interrupted or superseded export left in a run's folders: files no manifest
 * entry records (a rewound run's old parts, a part whose journal line never made it) and
 * temporary files. Only the run's own folders are touched, so shards sharing an export folder
 * never remove each other's files.
 *
 * @module
 */
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { assertNoLinkBelow } from '../fs/safe_write.ts'

/** Every entry below `dir` (relative, `/` separators); links are listed, never followed. */
async function listBelow(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    out.push(rel)
    if (entry.isDirectory() && !entry.isSymbolicLink()) out.push(...await listBelow(dir, rel))
  }
  return out
}

/**
 * Deletes every file under `dir/relDir` whose path (relative to `dir`, `/` separators) is not
 * in `keep`; a missing folder is fine, a link on the way to it is refused (its target is never
 * touched). Resolves with the relative paths removed.
 */
export async function removeUnrecorded(
  dir: string,
  relDir: string,
  keep: ReadonlySet<string>,
): Promise<string[]> {
  await assertNoLinkBelow(dir, join(dir, relDir))
  let names: string[]
  try {
    names = await listBelow(join(dir, relDir))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const removed: string[] = []
  for (const name of names.sort()) {
    const rel = `${relDir}/${name}`
    if (keep.has(rel)) continue
    const path = join(dir, rel)
    try {
      await rm(path) // folders fail with EISDIR/EPERM and are kept; a link itself is removed
      removed.push(rel)
    } catch {
      // a folder, or already gone
    }
  }
  return removed
}
