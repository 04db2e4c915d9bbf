/**
 * The `.wandb` files a `LocalRun` reads: one run folder, or every folder of one run id in a
 * `wandb/` folder (a resumed run), ordered by start time.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseJson } from '../json/parse_json.ts'
import { type DamageReport, emptyDamageReport } from './damage_report.ts'
import { readRecords } from './read_records.ts'
import { listRunFolders, resolveRunFolder, type RunFolder } from './run_folder.ts'
import { timestampSeconds } from './system_rows.ts'
import { pre010Stats } from './pre010_records.ts'

/** One `.wandb` file of the run (several for a resumed run opened by id). */
export interface RunSegment extends RunFolder {
  /** Size of the `.wandb` file in bytes. */
  sizeBytes: number
  /** Last write to the `.wandb` file, ISO string. */
  modifiedAt: string
  /** This file's run start (`RunRecord.start_time`), ISO string, or null. */
  startedAt: string | null
  /** What recovery skipped in this file. */
  damage: DamageReport
}

/** Options of openSegments. */
export interface OpenSegmentsOptions {
  /** With a `wandb/` folder: the run id whose folders to read. */
  id?: string
  /** Aborts the start-time peek. */
  signal?: AbortSignal
}

/**
 * Finds and stats the files to read for a source: a run folder or `.wandb` file gives one;
 * a `wandb/` folder gives every folder of `options.id` (or of its only run id) by start time.
 */
export async function openSegments(
  source: string,
  options: OpenSegmentsOptions = {},
): Promise<RunSegment[]> {
  const folders = await findSegments(source, options)
  const segments: RunSegment[] = []
  for (const folder of folders) {
    const info = await logStats(folder)
    segments.push({
      ...folder,
      sizeBytes: info.size,
      modifiedAt: new Date(info.mtimeMs).toISOString(),
      startedAt: null,
      damage: emptyDamageReport(folder.wandbFile),
    })
  }
  return segments
}

/** Size and modification time of a folder's log: its `.wandb` file, or a pre-0.10 folder's run files. */
export async function logStats(folder: RunFolder): Promise<{ size: number; mtimeMs: number }> {
  if (folder.layout === 'pre-0.10') return await pre010Stats(folder.folder)
  const info = await stat(folder.wandbFile)
  return { size: info.size, mtimeMs: info.mtimeMs }
}

/** Resolves the folders to read: one run folder, or every folder of an id in a `wandb/` folder. */
async function findSegments(source: string, options: OpenSegmentsOptions): Promise<RunFolder[]> {
  if (options.id === undefined) {
    try {
      return [await resolveRunFolder(source)]
    } catch (err) {
      const listing = await listRunFolders(source).catch(() => undefined)
      const ids = new Set(listing?.runs.map((r) => r.id))
      if (!listing || ids.size !== 1) throw err
      return orderByStart(listing.runs, options.signal)
    }
  }
  const listing = await listRunFolders(source)
  const matches = listing.runs.filter((r) => r.id === options.id)
  if (matches.length === 0) {
    const ids = [...new Set(listing.runs.map((r) => r.id))]
    throw new Error(
      `Cannot open run ${
        JSON.stringify(options.id)
      } in ${listing.wandbDir}: no run folder has that id; ids there: ${ids.join(', ') || 'none'}`,
    )
  }
  return orderByStart(matches, options.signal)
}

/** Sorts run folders by the start time of their first run record (folder name order breaks ties). */
export async function orderByStart(
  folders: RunFolder[],
  signal?: AbortSignal,
): Promise<RunFolder[]> {
  if (folders.length < 2) return folders
  const keyed: { folder: RunFolder; start: number; i: number }[] = []
  for (const [i, folder] of folders.entries()) {
    keyed.push({ folder, start: await peekStartTime(folder.wandbFile, signal), i })
  }
  keyed.sort((a, b) => a.start - b.start || a.i - b.i)
  return keyed.map((k) => k.folder)
}

/** Bytes per read of the start-time peek (the reader's smallest slab). */
const PEEK_BYTES = 128 * 1024

/** Reads records until the first run record with a start time; Infinity when there is none. */
async function peekStartTime(file: string, signal?: AbortSignal): Promise<number> {
  // One record per batch, so the read stops at the run record (a batch of 512 would read on to
  // the end of the file), from a first slab of the smallest size.
  const types = new Set(['run'] as const)
  const reader = readRecords(file, { types, signal, batchSize: 1, readSize: PEEK_BYTES })
    .getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return Infinity
      for (const rec of value) {
        if (rec.type === 'run' && rec.run.startTime) return timestampSeconds(rec.run.startTime)
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

/** Reads `files/wandb-metadata.json` of the last folder that has a valid one. */
export async function readMetadataFile(
  segments: RunSegment[],
): Promise<Record<string, unknown> | null> {
  for (let i = segments.length - 1; i >= 0; i--) {
    try {
      const value = parseJson(
        await readFile(join(segments[i].filesDir, 'wandb-metadata.json'), 'utf8'),
      )
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return value as Record<string, unknown>
      }
    } catch {
      // absent or unreadable: try the previous folder
    }
  }
  return null
}
