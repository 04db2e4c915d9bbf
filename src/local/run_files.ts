/**
 * The files of a local run: everything under its `files/` folder, merged with the paths its
 * `FilesRecord`s asked to save (which may be missing on disk, or be glob patterns).
 *
 * @module
 */
import { lstat, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { FilePolicy } from './record_types.ts'
import { md5OfFile } from '../fs/md5_of_file.ts'
import type { RunFileEntry } from '../source/run_reader.ts'

/** One run file, shaped after the API's `File` (`name`, `sizeBytes`, `mimetype`, `md5`). */
export interface LocalFile {
  /** Path relative to `files/`, with `/` separators (the API's file name). */
  name: string
  /** Absolute path on disk, or null when the file is listed by a FilesRecord but absent. */
  path: string | null
  /** Size in bytes, or null when absent. */
  sizeBytes: number | null
  /** Last modification time as an ISO string, or null when absent. */
  updatedAt: string | null
  /** A MIME type guessed from the extension. */
  mimetype: string
  /** The upload policy a FilesRecord gave the file (`now`, `end`, `live`), if any. */
  policy: FilePolicy | null
  /** Computes the base64 MD5 of the file's bytes (as the API's `md5`); rejects when absent. */
  md5(): Promise<string>
}

const MIME: Record<string, string> = {
  json: 'application/json',
  yaml: 'application/x-yaml',
  yml: 'application/x-yaml',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  py: 'text/x-python',
  patch: 'text/x-diff',
  diff: 'text/x-diff',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
  mp4: 'video/mp4',
  webm: 'video/webm',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  parquet: 'application/vnd.apache.parquet',
  gz: 'application/gzip',
  zip: 'application/zip',
  h5: 'application/x-hdf5',
}

/** Guesses a MIME type from a file name's extension (`application/octet-stream` when unknown). */
export function guessMimetype(name: string): string {
  const dot = name.lastIndexOf('.')
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : ''
  return MIME[ext] ?? 'application/octet-stream'
}

/** Converts a FilesRecord glob (`*`, `**`, `?`) to a regular expression over `/` paths. */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*'
        i++
      } else re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** Collects the files under `root/rel` recursively, not following symlinked folders. */
async function walk(
  root: string,
  rel: string,
  out: { name: string; path: string }[],
): Promise<void> {
  let entries: string[]
  try {
    entries = await readdir(join(root, rel))
  } catch {
    return
  }
  for (const entry of entries.sort()) {
    const name = rel ? `${rel}/${entry}` : entry
    const path = join(root, name)
    const info = await lstat(path).catch(() => undefined)
    if (!info) continue
    if (info.isDirectory()) await walk(root, name, out)
    else out.push({ name, path })
  }
}

/** A LocalFile for a FilesRecord path that is not on disk. */
function missingFile(name: string, policy: FilePolicy): LocalFile {
  return {
    name,
    path: null,
    sizeBytes: null,
    updatedAt: null,
    mimetype: guessMimetype(name),
    policy,
    md5: () =>
      Promise.reject(new Error(`Cannot hash ${name}: the run lists it but it is not on disk`)),
  }
}

/**
 * Lists a run's files: every file under the `files/` folders (a resumed run has several; a
 * later folder's file wins over an earlier one of the same name), symlinked files followed and
 * symlinked folders not, each with the FilesRecord policy of its path or matching glob, plus
 * FilesRecord paths that match nothing on disk. Sorted by name.
 */
export async function listRunFiles(
  filesDirs: readonly string[],
  saved: ReadonlyMap<string, FilePolicy> = new Map(),
): Promise<LocalFile[]> {
  const byName = new Map<string, string>()
  for (const dir of filesDirs) {
    const found: { name: string; path: string }[] = []
    await walk(dir, '', found)
    for (const { name, path } of found) byName.set(name, path)
  }
  const globs = [...saved].filter(([p]) => /[*?]/.test(p)).map(([p, policy]) => ({
    p,
    policy,
    re: globToRegExp(p),
  }))
  const usedGlobs = new Set<string>()
  const out: LocalFile[] = []
  for (const [name, path] of byName) {
    const info = await stat(path).catch(() => undefined)
    if (info?.isDirectory()) continue // a symlinked folder: never followed, and not a file
    let policy = saved.get(name) ?? null
    if (policy === null) {
      const g = globs.find((g) => g.re.test(name))
      if (g) {
        policy = g.policy
        usedGlobs.add(g.p)
      }
    }
    out.push({
      name,
      path,
      sizeBytes: info ? info.size : null,
      updatedAt: info ? info.mtime.toISOString() : null,
      mimetype: guessMimetype(name),
      policy,
      md5: () => md5OfFile(path),
    })
  }
  for (const [name, policy] of saved) {
    if (byName.has(name) || usedGlobs.has(name)) continue
    out.push(missingFile(name, policy))
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** Sums the sizes of every file under a folder (symlinks counted by their own size); 0 when absent. */
export async function folderSizeBytes(dir: string): Promise<number> {
  const found: { name: string; path: string }[] = []
  await walk(dir, '', found)
  let total = 0
  for (const { path } of found) total += (await lstat(path).catch(() => undefined))?.size ?? 0
  return total
}

/** A local file as every source lists a run's files, with its MD5 when `md5` is set and it is on disk. */
export async function runFileEntry(f: LocalFile, md5: boolean): Promise<RunFileEntry> {
  return {
    name: f.name,
    sizeBytes: f.sizeBytes,
    mimetype: f.mimetype,
    updatedAt: f.updatedAt,
    md5: md5 && f.path !== null ? await f.md5() : null,
    path: f.path,
    present: f.path !== null,
    policy: f.policy,
  }
}
