/** Temporary folders a hostile test makes, removed together in its `after` hook. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Makes folders named `<prefix>XXXXXX` under the OS temp folder and removes them all at once. */
export function tempDirs(prefix: string): { make: () => string; removeAll: () => void } {
  const dirs: string[] = []
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), prefix))
      dirs.push(dir)
      return dir
    },
    removeAll() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
    },
  }
}
