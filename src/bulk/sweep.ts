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

/**
 * Deletes every file under `dir/relDir` whose path (relative to `dir`, `/` separators) is not
 * in `keep`; a missing folder is fine. Resolves with the relative paths removed.
 */
export async function removeUnrecorded(
  dir: string,
  relDir: string,
  keep: ReadonlySet<string>,
): Promise<string[]> {
  let names: string[]
  try {
    names =
      (await readdir(join(dir, relDir), { recursive: true, withFileTypes: false })) as string[]
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const removed: string[] = []
  for (const name of names.sort()) {
    const rel = `${relDir}/${name.split('\\').join('/')}`
    if (keep.has(rel)) continue
    const path = join(dir, rel)
    try {
      await rm(path) // folders fail with EISDIR/EPERM and are kept
      removed.push(rel)
    } catch {
      // a folder, or already gone
    }
  }
  return removed
}
