/**
 * `LocalRuns`: the runs of a local `wandb/` folder, one listing entry per run folder, and
 * `get(id)` to open a run with all its folders (the segments of a resumed run) in order.
 *
 * @module
 */
import { emptyDamageReport, isDamaged } from './damage_report.ts'
import { listRunFolders, type RunFolder, type SkippedFolder } from './run_folder.ts'
import { collectMetadata, LISTING_TYPES, MetadataCollector } from './run_metadata.ts'
import { DEFAULT_RUNNING_WITHIN_SECONDS, isoSeconds, type RunState } from './run_state.ts'
import { logState } from './log_activity.ts'
import { timestampSeconds } from './system_rows.ts'
import { folderSizeBytes } from './run_files.ts'
import { LocalRun, type LocalRunOptions } from './local_run.ts'
import { logStats } from './run_segments.ts'

/** One run folder in a listing. */
export interface LocalRunEntry {
  /** The run id (from the run record, else from the `.wandb` file name). */
  id: string
  /** Display name, or the id when none was set. */
  name: string
  /** The display name as logged, or null when none was set. */
  displayName: string | null
  /** The entity, or '' when the log does not name one. */
  entity: string
  /** The project, or '' when the log does not name one. */
  project: string
  /** Derived state; see `runningWithinSeconds`. */
  state: RunState
  /** Exit code of this folder's exit record, or null when it has none. */
  exitCode: number | null
  /** Start of this folder's process, ISO 8601 UTC, or null. */
  createdAt: string | null
  /** Tags from the latest run record that lists any, else empty. */
  tags: string[]
  /** Whether this folder continues an earlier run (resume). */
  resumed: boolean
  /** Absolute, symlink-free path of the run folder. */
  folder: string
  /** Absolute path of the folder's `run-<id>.wandb` file. */
  wandbFile: string
  /** Size of the `.wandb` file in bytes. */
  sizeBytes: number
  /** Total size of the files under `files/` in bytes. */
  filesSizeBytes: number
  /** Whether reading the `.wandb` file lost records to damage. */
  damaged: boolean
}

/** Options of `LocalRuns.list()`. */
export interface ListLocalRunsOptions {
  /**
   * A run without an exit record counts as `running` when its file was written within this many
   * seconds and its newest record timestamp is within them too (docs/local-runs.md).
   * @default 300
   */
  runningWithinSeconds?: number
  /** Aborts listing. */
  signal?: AbortSignal
}

/** The runs of one `wandb/` folder. */
export class LocalRuns {
  /** The `wandb/` folder listed (absolute). */
  readonly wandbDir: string
  /** Every usable run folder, by the timestamp in its name. */
  readonly folders: RunFolder[]
  /** Run-like folders without a usable `.wandb` file, with the reason (`list()` adds unreadable ones). */
  readonly skipped: SkippedFolder[]

  /** Use `LocalRuns.open`. */
  private constructor(wandbDir: string, folders: RunFolder[], skipped: SkippedFolder[]) {
    this.wandbDir = wandbDir
    this.folders = folders
    this.skipped = skipped
  }

  /** Lists the run folders of a `wandb/` folder, or of the folder that holds `wandb/`. */
  static async open(dir: string): Promise<LocalRuns> {
    if (typeof dir !== 'string' || dir === '') {
      throw new TypeError(
        `Cannot list local runs: dir must be a non-empty path string, got ${String(dir)}`,
      )
    }
    const listing = await listRunFolders(dir)
    return new LocalRuns(listing.wandbDir, listing.runs, listing.skipped)
  }

  /** The distinct run ids, in folder order. */
  ids(): string[] {
    return [...new Set(this.folders.map((f) => f.id))]
  }

  /**
   * Reads each folder's identity and state (decoding only run, exit and preempting records)
   * and returns one entry per folder, sorted by start time. A folder whose `.wandb` file
   * cannot be read (not a W&B log, unreadable) gets no entry and is added to `skipped`.
   */
  async list(options: ListLocalRunsOptions = {}): Promise<LocalRunEntry[]> {
    const within = options.runningWithinSeconds ?? DEFAULT_RUNNING_WITHIN_SECONDS
    const keyed: { entry: LocalRunEntry; start: number; i: number }[] = []
    for (const [i, folder] of this.folders.entries()) {
      try {
        const { entry, start } = await readEntry(folder, within, options.signal)
        keyed.push({ entry, start: start ?? Infinity, i })
      } catch (err) {
        if (options.signal?.aborted) throw err
        if (!this.skipped.some((s) => s.folder === folder.folder)) {
          this.skipped.push({ folder: folder.folder, reason: (err as Error).message })
        }
      }
    }
    keyed.sort((a, b) => a.start - b.start || a.i - b.i)
    return keyed.map((k) => k.entry)
  }

  /** Opens the run with this id, reading all its folders in start-time order. */
  get(id: string, options: Omit<LocalRunOptions, 'id'> = {}): Promise<LocalRun> {
    if (typeof id !== 'string' || id === '') {
      throw new TypeError(
        `Cannot open a local run: id must be a non-empty string, got ${String(id)}`,
      )
    }
    return LocalRun.open(this.wandbDir, { ...options, id })
  }
}

/** Reads one folder's listing entry and its start time (Unix seconds). */
async function readEntry(
  folder: RunFolder,
  within: number,
  signal: AbortSignal | undefined,
): Promise<{ entry: LocalRunEntry; start: number | undefined }> {
  const info = await logStats(folder)
  const report = emptyDamageReport(folder.wandbFile)
  const c = await collectMetadata([folder.wandbFile], [report], new MetadataCollector(), {
    types: LISTING_TYPES,
    signal,
  })
  const seg = c.segments[0]
  const f = c.fields
  const start = seg.startTime ? timestampSeconds(seg.startTime) : undefined
  const displayName = f?.displayName || null
  const id = f?.id || folder.id
  const entry: LocalRunEntry = {
    id,
    name: displayName ?? id,
    displayName,
    entity: f?.entity ?? '',
    project: f?.project ?? '',
    state: await logState(
      folder.wandbFile,
      { exitCode: seg.exit?.exitCode, preempting: seg.preempting, modifiedMs: info.mtimeMs },
      { runningWithinSeconds: within, signal },
    ),
    exitCode: seg.exit ? seg.exit.exitCode : null,
    createdAt: start !== undefined ? isoSeconds(start) : null,
    tags: f?.tags ?? [],
    resumed: f?.resumed ?? false,
    folder: folder.folder,
    wandbFile: folder.wandbFile,
    sizeBytes: info.size,
    filesSizeBytes: await folderSizeBytes(folder.filesDir),
    damaged: isDamaged(report),
  }
  return { entry, start }
}
