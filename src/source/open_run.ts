/**
 * Turns a run's name into a {@link RunReader}: a registered opener's source (a third kind of
 * run), a local run folder or `.wandb` file when the path exists, else a W&B run path or URL
 * read through the API. The CLI opens every run here.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { env } from '../runtime.ts'
import { Api } from '../api/api.ts'
import type { Run } from '../api/run.ts'
import { LocalRun } from '../local/local_run.ts'
import type { RunReader } from './run_reader.ts'

/** Matches `entity/project/run_id`, `entity/project/runs/run_id` and run URLs. */
const REMOTE_PATH = /^(https?:\/\/[^/]+\/.+|[^/\s]+\/[^/\s]+\/(runs\/)?[^/\s]+\/?)$/

/** A bare run id, as `api.run("run01")` takes it with the default entity and project. */
const BARE_RUN_ID = /^[\w.-]+$/

/** Options of {@link openRunReader}. */
export interface OpenRunOptions {
  /** Local runs: fail at the first damaged byte range. @default false */
  strict?: boolean
  /** Aborts opening. */
  signal?: AbortSignal
  /**
   * The run will be followed: a symbolic link such as `wandb/latest-run` is resolved now, so the
   * run it points to is followed even when the link moves on, and an empty log is not refused.
   * @default false
   */
  follow?: boolean
  /** Local runs: `'minimal'` skips the history/stats/summary pass (see LocalRun). @default 'full' */
  metadata?: 'full' | 'minimal'
  /** Remote runs: the API client to load the run with. @default `new Api()` (the environment's settings) */
  api?: () => { run(path: string, options: { signal?: AbortSignal }): Promise<Run> }
}

/** A third kind of run source: claims the names it can open and opens them as RunReaders. */
export interface RunOpener {
  /** A short name for messages (`tensorboard`). */
  readonly name: string
  /** Whether this opener reads the given source (checked before local paths and run paths). */
  canOpen(source: string): boolean
  /** Opens the source. */
  open(source: string, options: OpenRunOptions): Promise<RunReader>
}

const openers: RunOpener[] = []

/** Registers an opener for a third kind of run; returns a function that unregisters it. */
export function registerRunOpener(opener: RunOpener): () => void {
  openers.push(opener)
  return () => {
    const at = openers.indexOf(opener)
    if (at >= 0) openers.splice(at, 1)
  }
}

/** Whether an argument that is not a local path reads as a W&B run path or URL. */
export function looksRemote(source: string): boolean {
  return REMOTE_PATH.test(source)
}

/** Whether a bare run id names a remote run: WANDB_PROJECT is set, as the SDK then resolves it. */
export function isShortRunPath(source: string): boolean {
  return BARE_RUN_ID.test(source) && Boolean(env('WANDB_PROJECT'))
}

/** Which reader a source name opens with; throws naming the source when it is none of them. */
export function runSourceKind(source: string): RunOpener | 'local' | 'remote' {
  const opener = openers.find((o) => o.canOpen(source))
  if (opener) return opener
  if (existsSync(source)) return 'local'
  if (looksRemote(source) || isShortRunPath(source)) return 'remote'
  const hint = BARE_RUN_ID.test(source)
    ? '; for a run on W&B pass entity/project/run_id, or set WANDB_PROJECT (and WANDB_ENTITY) as for the SDK\'s api.run("id")'
    : ''
  throw new Error(`Cannot open run "${source}": no such file or folder${hint}`)
}

/** Opens a run folder, `.wandb` file, run path, run URL or registered source as a RunReader. */
export async function openRunReader(
  source: string,
  options: OpenRunOptions = {},
): Promise<RunReader> {
  const kind = runSourceKind(source)
  if (kind === 'remote') {
    if (options.strict) throw new TypeError('strict applies to local .wandb files')
    const api = options.api ? options.api() : new Api()
    return await api.run(source, { signal: options.signal })
  }
  if (kind !== 'local') return await kind.open(source, options)
  return await openLocalRun(source, options)
}

/** Opens a local run; refuses a log of empty files unless it will be followed. */
export async function openLocalRun(path: string, options: OpenRunOptions): Promise<LocalRun> {
  const run = await LocalRun.open(options.follow ? await realpath(path) : path, {
    strict: options.strict,
    signal: options.signal,
    metadata: options.metadata ?? 'full',
  })
  // A followed run's log may still be empty: following waits for its first records.
  if (!options.follow) await refuseEmptyLogs(run.wandbFiles)
  return run
}

/**
 * Throws when every `.wandb` file of the run is empty (0 bytes): it holds no record at all, so a
 * read would give nothing, as if the run had no data.
 */
async function refuseEmptyLogs(files: string[]): Promise<void> {
  const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size, () => -1)))
  if (files.length > 0 && sizes.every((size) => size === 0)) {
    throw new Error(
      `Cannot read ${files.join(', ')}: the file is empty (0 bytes) and holds no run records; ` +
        'the run has not written anything yet or the file was cut to nothing (copy it again)',
    )
  }
}
