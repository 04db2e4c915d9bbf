/**
 * Removing the temporary files a killed wbx left in a folder: only wbx's own names
 * (`.wbx-<label>-<pid>-<hex>.tmp`, `.<name>.<pid>-<hex>.wbx-tmp`, `<name>.<pid>-<hex>.part`),
 * only regular files (never a link or what it points to), and only when the pid in the name is not
 * a live process on this machine. Names from wbx versions without a pid are removed once they
 * have not changed for an hour (a legacy `.part` name is too plain to claim and is kept).
 *
 * @module
 */
import { lstat, readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import process from 'node:process'

/** wbx's temporary names with the writer's pid (group 1). */
const WITH_PID = [
  /^\.wbx-[a-z0-9]+-(\d+)-[0-9a-f]{12}\.tmp$/,
  /^\..+\.(\d+)-[0-9a-f]{12}\.wbx-tmp$/,
  /^.+\.(\d+)-[0-9a-f]{12}\.part$/,
]

/** Names older wbx versions used (no pid). */
const LEGACY = [/^\.wbx-[a-z0-9]+-[0-9a-f]{16}\.tmp$/, /^\..+\.wbx-tmp$/]

/** How long a legacy-named leftover must be untouched before it is removed. */
const LEGACY_AGE_MS = 60 * 60 * 1000

/** Whether a process with this id runs on this machine (a permission error means it does). */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/** Whether `name` is a wbx temporary file whose writer is gone (by pid, or by age for legacy names). */
export function isStaleTempName(name: string, mtimeMs: number, now = Date.now()): boolean {
  for (const pattern of WITH_PID) {
    const m = pattern.exec(name)
    if (m) return !isAlive(Number(m[1]))
  }
  return LEGACY.some((p) => p.test(name)) && now - mtimeMs > LEGACY_AGE_MS
}

/**
 * Deletes the stale wbx temporary files directly in `dir` (not below it); a missing folder is
 * fine. Resolves with the names removed.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    if (!name.includes('tmp') && !name.endsWith('.part')) continue
    const path = join(dir, name)
    const info = await lstat(path).catch(() => undefined)
    if (!info?.isFile() || !isStaleTempName(name, info.mtimeMs)) continue
    await unlink(path).then(() => removed.push(name), () => {})
  }
  return removed
}
