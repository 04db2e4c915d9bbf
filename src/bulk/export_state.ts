/**
 * The export's durable progress: the manifest in memory, every change appended to the journal
 * before the export goes on, and the manifest rewritten atomically from time to time (and at the
 * end), after which the journal is emptied. Opening replays whatever an interrupted export
 * journaled, so a rerun knows every part that was finished.
 *
 * @module
 */
import { join } from 'node:path'
import { redactText } from '../api/redact.ts'
import { assertNoLinkBelow } from '../fs/safe_write.ts'
import { removeStaleTemps } from '../fs/stale_temps.ts'
import { VERSION } from '../version.ts'
import { writeTextAtomic } from './atomic_file.ts'
import { applyOp, Journal, type JournalOp, readJournal } from './journal.ts'
import { journalName, manifestName } from './layout.ts'
import {
  type FailureRecord,
  type FileRecord,
  type Manifest,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type ManifestQuery,
  type ManifestSource,
  type PartRecord,
  type RunEntry,
} from './manifest.ts'
import { computeTotals, readManifest, serializeManifest } from './manifest_file.ts'
import type { Shard } from './shard.ts'
import type { HistorySchema } from './history_schema.ts'

/** Options of {@linkcode ExportState.open}. */
export interface ExportStateOptions {
  /** The export folder. */
  dir: string
  /** The shard whose manifest to use. @default none */
  shard?: Shard
  /** Where the runs come from. */
  source: ManifestSource
  /** The query of this export. */
  query: ManifestQuery
  /** Least time between manifest rewrites while exporting, in ms. @default 5000 */
  checkpointMs?: number
  /** Clock for timestamps. @default Date.now */
  now?: () => number
}

/** The manifest plus its journal, for one export session. */
export class ExportState {
  /** The manifest as it stands. */
  readonly manifest: Manifest
  /** Path of the manifest file. */
  readonly manifestPath: string
  #dir: string
  #journal: Journal
  #checkpointMs: number
  #lastCheckpoint: number
  #now: () => number

  /** Use {@linkcode ExportState.open}. */
  private constructor(
    manifest: Manifest,
    manifestPath: string,
    journal: Journal,
    options: ExportStateOptions,
  ) {
    this.manifest = manifest
    this.manifestPath = manifestPath
    this.#dir = options.dir
    this.#journal = journal
    this.#checkpointMs = options.checkpointMs ?? 5000
    this.#now = options.now ?? Date.now
    this.#lastCheckpoint = this.#now()
  }

  /**
   * Loads the folder's manifest and journal (or starts a new manifest), checks that the folder
   * was exported from the same source with the same shard, format and keys, and writes the
   * merged manifest with this export's query and start time.
   */
  static async open(options: ExportStateOptions): Promise<ExportState> {
    const manifestPath = join(options.dir, manifestName(options.shard))
    const journalPath = join(options.dir, journalName(options.shard))
    const now = new Date((options.now ?? Date.now)()).toISOString()
    await assertNoLinkBelow(options.dir, manifestPath)
    await assertNoLinkBelow(options.dir, journalPath)
    const found = await readManifest(manifestPath)
    const manifest: Manifest = found ?? {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      tool: { name: 'wbx', version: VERSION },
      source: options.source,
      query: options.query,
      startedAt: now,
      writtenAt: now,
      finishedAt: null,
      complete: false,
      totals: {
        runs: 0,
        completeRuns: 0,
        failedRuns: 0,
        historyRows: 0,
        historyParts: 0,
        bytes: 0,
      },
      runsTable: null,
      selection: [],
      runs: {},
      failures: [],
    }
    if (found) checkCompatible(found, options, manifestPath)
    for (const op of await readJournal(journalPath)) applyOp(manifest, op)
    manifest.tool = { name: 'wbx', version: VERSION }
    manifest.source = options.source
    manifest.query = options.query
    manifest.startedAt = now
    manifest.finishedAt = null
    manifest.complete = false
    // Every quarantined run is tried again; one that fails again is recorded again.
    manifest.failures = []
    await removeStaleTemps(options.dir)
    const journal = await Journal.open(options.dir, journalPath)
    const state = new ExportState(manifest, manifestPath, journal, options)
    await state.checkpoint(true)
    return state
  }

  /**
   * The folder's manifest with its journal applied, without opening anything for writing (for
   * dry runs and checks); undefined when the folder holds no export.
   */
  static async peek(dir: string, shard?: Shard): Promise<Manifest | undefined> {
    const manifest = await readManifest(join(dir, manifestName(shard)))
    if (!manifest) return undefined
    for (const op of await readJournal(join(dir, journalName(shard)))) applyOp(manifest, op)
    return manifest
  }

  /** A run's entry, if the folder has one. */
  entry(runId: string): RunEntry | undefined {
    return this.manifest.runs[runId]
  }

  /** Sets a run's entry (durably). */
  putRun(entry: RunEntry): Promise<void> {
    return this.#record({ op: 'run', entry: structuredClone(entry) })
  }

  /** Appends a finished history part to a run (durably). */
  addPart(runId: string, part: PartRecord): Promise<void> {
    return this.#record({ op: 'part', runId, part })
  }

  /** Records a quarantined run (durably), its error cleaned of secrets and signed-URL queries. */
  fail(failure: FailureRecord): Promise<void> {
    return this.#record({
      op: 'failure',
      failure: { ...failure, error: redactText(failure.error) },
    })
  }

  /** Removes a run's failure record, if any (durably). */
  async clearFailure(runId: string): Promise<void> {
    if (this.manifest.failures.some((f) => f.runId === runId)) {
      await this.#record({ op: 'clear-failure', runId })
    }
  }

  /** Applies, journals and maybe checkpoints one change. */
  async #record(op: JournalOp): Promise<void> {
    applyOp(this.manifest, op)
    await this.#journal.append(op)
    if (this.#now() - this.#lastCheckpoint >= this.#checkpointMs) await this.checkpoint()
  }

  /** Rewrites the manifest atomically and empties the journal (`force`: even if written just now). */
  async checkpoint(force = false): Promise<void> {
    if (!force && this.#now() - this.#lastCheckpoint < this.#checkpointMs) return
    this.#lastCheckpoint = this.#now()
    await this.#writeManifest()
    await this.#journal.truncate()
  }

  /** Sets the dataset's history schema (written with the next checkpoint). */
  setHistorySchema(schema: HistorySchema): void {
    this.manifest.historySchema = schema
  }

  /** Sets the last selection and the runs table (call before {@linkcode ExportState.finish}). */
  setSelection(selection: string[], runsTable: FileRecord | null): void {
    this.manifest.selection = [...selection].sort()
    this.manifest.runsTable = runsTable
  }

  /** Writes the final manifest (with `finishedAt` when the export ran to its end) and removes the journal. */
  async finish(ended: boolean): Promise<void> {
    const m = this.manifest
    if (ended) m.finishedAt = new Date(this.#now()).toISOString()
    const selected = m.selection.map((id) => m.runs[id])
    m.complete = ended && m.failures.length === 0 && selected.every((e) => e?.complete === true)
    await this.#writeManifest()
    await this.#journal.close(true)
  }

  /** Closes the journal without finishing (the export was interrupted); progress stays on disk. */
  async close(): Promise<void> {
    await this.#writeManifest().catch(() => {})
    await this.#journal.truncate().catch(() => {})
    await this.#journal.close(false)
  }

  /** Writes the manifest file from memory. */
  async #writeManifest(): Promise<void> {
    const m = this.manifest
    m.writtenAt = new Date(this.#now()).toISOString()
    m.totals = computeTotals(m)
    await writeTextAtomic(this.#dir, this.manifestPath, serializeManifest(m))
  }
}

/** Throws when the folder holds an export of another source, shard, format or key selection. */
function checkCompatible(found: Manifest, options: ExportStateOptions, path: string): void {
  const q = options.query
  const clash = (what: string, was: unknown, now: unknown): never => {
    throw new Error(
      `Cannot export into ${options.dir}: ${path} records ${what} ${JSON.stringify(was)}, not ${
        JSON.stringify(now)
      }; use a new --out folder for a different export`,
    )
  }
  if (found.source.kind !== options.source.kind || found.source.path !== options.source.path) {
    clash('the source', found.source.path, options.source.path)
  }
  if (found.query.format !== q.format) clash('the format', found.query.format, q.format)
  if (JSON.stringify(found.query.keys) !== JSON.stringify(q.keys)) {
    clash('the history keys', found.query.keys, q.keys)
  }
}
