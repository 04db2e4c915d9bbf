/**
 * Finds W&B run folders on disk (format reference §1): a run folder (`wandb/run-*`,
 * `wandb/offline-run-*`, or the `wandb/latest-run` symlink), a `.wandb` file, or a `wandb/`
 * folder (or the folder that holds it) with many runs.
 *
 * Run ids are taken from the `run-<id>.wandb` file name, never from the folder name (ids may
 * contain `-`). A resumed run has one folder per process with the same id; this module lists
 * them all and leaves grouping to the caller.
 *
 * @module
 */
import type { Stats } from 'node:fs'
import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { notRegularFileError } from '../fs/file_kind.ts'
import { PRE010_FILES, pre010RunId } from './pre010_records.ts'

/** One run folder with its transaction log. */
export interface RunFolder {
  /** Absolute, symlink-free path of the run folder. */
  folder: string
  /**
   * Absolute path of its `run-<id>.wandb` file; for a pre-0.10 folder (no log) the folder
   * itself, which `readRecords` reads as that folder's records.
   */
  wandbFile: string
  /** Absolute path of its `files/` folder (which may not exist); the folder itself before 0.10. */
  filesDir: string
  /** `pre-0.10` for a folder of SDK 0.8/0.9 files instead of a `.wandb` log. */
  layout?: 'pre-0.10'
  /** The run id from the `.wandb` file name. */
  id: string
  /** Whether the folder name marks an offline run (`offline-run-…`). */
  offline: boolean
}

/** A folder inside a `wandb/` folder that could not be used as a run. */
export interface SkippedFolder {
  /** Absolute path of the folder. */
  folder: string
  /** Why it was skipped, e.g. `it holds no run-<id>.wandb file` or the read error's message. */
  reason: string
}

/** The run folders of a `wandb/` folder, plus folders that looked like runs but were unusable. */
export interface RunFolderListing {
  /** The `wandb/` folder that was listed (absolute). */
  wandbDir: string
  /** Usable run folders, sorted by the folder name's timestamp (start time in the writer's local time zone). */
  runs: RunFolder[]
  /** Run-like folders without a readable `.wandb` file (pre-0.10 layout, skipped log, …). */
  skipped: SkippedFolder[]
}

const WANDB_FILE = /^run-(.+)\.wandb$/
const RUN_DIR = /^(?:offline-|dry)?run-./

/** Whether a name looks like a W&B run folder (`run-…`, `offline-run-…`, pre-0.10 `dryrun-…`; not a `.wandb` file). */
export function isRunFolderName(name: string): boolean {
  return RUN_DIR.test(name) && !name.endsWith('.wandb') && !name.includes('.wandb.')
}

/** The names inside `dir` that are run folders (directories, symlinks followed), sorted. */
async function runFolderNames(dir: string): Promise<string[]> {
  const key = (name: string) => name.replace(/^(?:offline-|dry)/, '')
  const names = (await readdir(dir)).filter(isRunFolderName).sort((a, b) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0
  )
  const out: string[] = []
  for (const name of names) {
    if ((await statOrUndefined(join(dir, name)))?.isDirectory()) out.push(name)
  }
  return out
}

/** `stat` that returns undefined instead of throwing. */
async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path)
  } catch {
    return undefined
  }
}

/**
 * Finds the single `run-<id>.wandb` file of a folder (or, in a pre-0.10 folder, the folder as
 * its own record source), or explains why there is none.
 */
async function wandbFileIn(
  folder: string,
): Promise<{ file?: string; pre010?: true; problem?: string }> {
  let names: string[]
  try {
    names = await readdir(folder)
  } catch (err) {
    return { problem: `cannot list it (${(err as Error).message})` }
  }
  const logs = names.filter((n) => WANDB_FILE.test(n)).sort()
  if (logs.length === 1) return { file: join(folder, logs[0]) }
  if (logs.length > 1) return { problem: `it holds several .wandb files (${logs.join(', ')})` }
  if (names.some((n) => PRE010_FILES.includes(n))) return { file: folder, pre010: true }
  return {
    problem:
      'it holds no run-<id>.wandb file (nor the wandb-history.jsonl / wandb-summary.json of a pre-0.10 run)',
  }
}

/** Builds the RunFolder of a folder and its `.wandb` file (or of a pre-0.10 folder). */
function runFolderFor(folder: string, wandbFile: string, pre010 = false): RunFolder {
  if (pre010) {
    return {
      folder,
      wandbFile: folder,
      filesDir: folder,
      id: pre010RunId(folder),
      offline: basename(folder).startsWith('dryrun-'),
      layout: 'pre-0.10',
    }
  }
  const id = WANDB_FILE.exec(basename(wandbFile))?.[1] ?? basename(wandbFile, '.wandb')
  return {
    folder,
    wandbFile,
    filesDir: join(folder, 'files'),
    id,
    offline: basename(folder).startsWith('offline-run-'),
  }
}

/**
 * Follows a `latest-run` link that was checked out as a text file holding the folder name
 * (git without symlink support does that); returns undefined for any other file.
 */
async function pointerTarget(file: string, size: number): Promise<string | undefined> {
  if (size === 0 || size > 1024) return undefined
  const name = (await readFile(file, 'utf8')).trim()
  if (!isRunFolderName(basename(name))) return undefined
  const target = resolve(dirname(file), name)
  return (await statOrUndefined(target))?.isDirectory() ? target : undefined
}

/**
 * Resolves a path to one run folder: a `.wandb` file, a run folder, or a symlink to one
 * (`latest-run`, also when checked out as a text file holding the folder name). Throws an Error naming the path and what was expected otherwise; a `wandb/`
 * folder is rejected with a hint to list its runs instead.
 */
export async function resolveRunFolder(source: string): Promise<RunFolder> {
  const abs = resolve(source)
  const info = await statOrUndefined(abs)
  if (!info) {
    throw new Error(
      `Cannot open ${source}: no such file or folder; pass a W&B run folder (wandb/run-*), a .wandb file or a wandb/ folder`,
    )
  }
  if (!info.isFile() && !info.isDirectory()) {
    throw notRegularFileError(
      source,
      info,
      'pass a W&B run folder (wandb/run-*), a .wandb file or a wandb/ folder',
    )
  }
  if (info.isFile()) {
    const target = abs.endsWith('.wandb') ? undefined : await pointerTarget(abs, info.size)
    if (target) return resolveRunFolder(target)
    if (!abs.endsWith('.wandb')) {
      throw new Error(
        `Cannot open ${source}: expected a .wandb transaction log (run-<id>.wandb) or a run folder`,
      )
    }
    const real = await realpath(abs)
    return runFolderFor(dirname(real), real)
  }
  const folder = await realpath(abs)
  const found = await wandbFileIn(folder)
  if (found.file) return runFolderFor(folder, found.file, found.pre010)
  const listing = await listRunFolders(folder).catch(() => undefined)
  if (listing && listing.runs.length > 0) {
    const ids = [...new Set(listing.runs.map((r) => r.id))]
    throw new Error(
      `Cannot open ${source} as one run: it is a wandb/ folder with ${ids.length} run(s) (${
        ids.slice(0, 5).join(', ')
      }${ids.length > 5 ? ', …' : ''}); pick one by id or pass a run folder such as ${
        join(listing.wandbDir, 'latest-run')
      }`,
    )
  }
  throw new Error(
    `Cannot open ${source} as a W&B run folder: ${found.problem}; is this a wandb/run-* folder?`,
  )
}

/**
 * Finds the `wandb/` folder for a path: the path itself when it holds run folders, else its
 * `wandb/` or `.wandb/` child. Throws when neither holds any.
 */
export async function resolveWandbDir(dir: string): Promise<string> {
  const abs = await realpath(resolve(dir)).catch(() => {
    throw new Error(
      `Cannot list runs in ${dir}: no such folder; pass a wandb/ folder or the folder that holds it`,
    )
  })
  for (const candidate of [abs, join(abs, 'wandb'), join(abs, '.wandb')]) {
    const names = await runFolderNames(candidate).catch(() => [])
    if (names.length > 0) return candidate
  }
  throw new Error(
    `Cannot list runs in ${dir}: no run-*, offline-run-* or dryrun-* folders there or in its wandb/ subfolder; pass a wandb/ folder`,
  )
}

/** Lists the run folders of a `wandb/` folder (or of the folder that holds `wandb/`). */
export async function listRunFolders(dir: string): Promise<RunFolderListing> {
  const wandbDir = await resolveWandbDir(dir)
  const runs: RunFolder[] = []
  const skipped: SkippedFolder[] = []
  for (const name of await runFolderNames(wandbDir)) {
    const folder = join(wandbDir, name)
    const found = await wandbFileIn(folder)
    if (found.file) runs.push(runFolderFor(folder, found.file, found.pre010))
    else skipped.push({ folder, reason: found.problem ?? 'unusable' })
  }
  return { wandbDir, runs, skipped }
}
