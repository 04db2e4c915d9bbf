/**
 * The `Run` type: attributes, config and summary as JSON text, history reads (`history`,
 * `events`, `sampledHistory`, `historyKeys`, `parquetHistory`), files, artifacts and console lines.
 *
 * @module
 */
import { jsonText } from './json_text.ts'
import { type Connection, type PageArgs, paginate } from './connection.ts'
import {
  type HistoryArgs,
  historyKeysOf,
  historyLines,
  parseSpec,
  sampledHistoryPage,
} from './history_queries.ts'
import { BadRequestError, nodeId } from './ids.ts'
import type { RunRecord, StoredLogLine } from './records.ts'
import type { ResolverContext } from './resolver_context.ts'
import { artifactConnection, type ArtifactNode } from './resolve_artifacts.ts'
import { type FileListArgs, type FileNode, listFiles } from './resolve_files.ts'
import { ProjectNode } from './resolve_project.ts'
import { ensureRunExport, liveDataOf } from './run_export.ts'
import { runIsReadOnly } from './write_access.ts'

/** Resolves a run. */
export class RunNode {
  #r: RunRecord
  #ctx: ResolverContext

  /** Wraps a run record for one request. */
  constructor(run: RunRecord, ctx: ResolverContext) {
    this.#r = run
    this.#ctx = ctx
  }

  /** The node ID (storage ID). */
  get id(): string {
    return this.#r.storageId
  }
  /** The run ID. */
  get name(): string {
    return this.#r.name
  }
  /** Display name. */
  get displayName(): string {
    return this.#r.displayName
  }
  /** The project's numeric internal ID. */
  get projectId(): number {
    return this.#r.project.internalId
  }
  /** The project. */
  get project(): ProjectNode {
    return new ProjectNode(this.#r.project, this.#ctx)
  }
  /** Tags. */
  get tags(): string[] {
    return this.#r.tags
  }
  /** Sweep name. */
  get sweepName(): string | null {
    return this.#r.sweepName
  }
  /** State (lower-case). */
  get state(): string {
    return this.#r.state
  }
  /** Config as stored (`{key: {value, desc}}`), JSON text with bare NaN kept. */
  get config(): string {
    return jsonText(this.#r.rawConfig)
  }
  /** Group. */
  get group(): string | null {
    return this.#r.group
  }
  /** Job type. */
  get jobType(): string | null {
    return this.#r.jobType
  }
  /** Commit. */
  get commit(): string | null {
    return this.#r.commit
  }
  /** Host. */
  get host(): string | null {
    return this.#r.host
  }
  /** Whether the viewer may only read the run (its own flag, or a read-only entity). */
  get readOnly(): boolean {
    return runIsReadOnly(this.#ctx, this.#r)
  }
  /** Whether a client asked the run to stop. */
  get stopped(): boolean {
    return this.#r.stopRequested ?? false
  }
  /** Creation time. */
  get createdAt(): string {
    return this.#r.createdAt
  }
  /** Last heartbeat. */
  get heartbeatAt(): string {
    return this.#r.heartbeatAt
  }
  /** Same as heartbeatAt. */
  get updatedAt(): string {
    return this.#r.heartbeatAt
  }
  /** Description. */
  get description(): string | null {
    return this.#r.description
  }
  /** Notes. */
  get notes(): string | null {
    return this.#r.notes
  }
  /** The latest system metrics (`system.*` keys of the last events row) as JSON text. */
  get systemMetrics(): string {
    const events = this.#r.events
    const last = events.rowCount > 0 ? events.rowAt(events.rowCount - 1) : {}
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(last)) if (!k.startsWith('_')) out[k] = v
    return jsonText(out)
  }
  /** Summary as JSON text with bare NaN kept. */
  get summaryMetrics(): string {
    return jsonText(this.#r.summary)
  }
  /** Number of history rows. */
  get historyLineCount(): number {
    return this.#r.history.rowCount
  }
  /** Number of system-metric rows. */
  get eventsLineCount(): number {
    return this.#r.events.rowCount
  }
  /** The last ten history rows, a JSON list of JSON texts. */
  get historyTail(): string {
    return tailOf(this.#r.history)
  }
  /** The last ten system-metric rows, a JSON list of JSON texts. */
  get eventsTail(): string {
    return tailOf(this.#r.events)
  }
  /** The asked keys of the config's `_wandb` value (`{key: value}`), JSON text. */
  wandbConfig(args: { keys?: string[] | null }): string {
    const wandb = (this.#r.rawConfig as Record<string, { value?: unknown }>)._wandb?.value
    const out: Record<string, unknown> = {}
    if (wandb && typeof wandb === 'object') {
      for (const k of args.keys ?? Object.keys(wandb)) {
        if (Object.hasOwn(wandb, k)) out[k] = (wandb as Record<string, unknown>)[k]
      }
    }
    return jsonText(out)
  }
  /** The user who created the run. */
  get user(): { name: string | null; username: string } {
    return this.#r.user
  }
  /** `{keys: {...}, lastStep}`, computed once per run. */
  get historyKeys(): Record<string, unknown> {
    this.#r.historyKeysCache ??= historyKeysOf(this.#r.history)
    return this.#r.historyKeysCache
  }
  /** History rows as JSON text. */
  history(args: HistoryArgs): string[] {
    return historyLines(this.#r.history, args)
  }
  /** System-metric rows as JSON text. */
  events(args: { samples?: number | null }): string[] {
    return historyLines(this.#r.events, { samples: args.samples })
  }
  /** One page of rows per spec. */
  sampledHistory(args: { specs: string[] }): unknown[][] {
    return args.specs.map((text) => sampledHistoryPage(this.#r.history, parseSpec(text)))
  }
  /** Signed Parquet URLs plus the live tail. */
  parquetHistory(args: { liveKeys: string[] }): { parquetUrls: string[]; liveData: unknown[] } {
    if (args.liveKeys.length === 0) {
      throw new BadRequestError('parquetHistory needs at least one live key')
    }
    const state = ensureRunExport(this.#ctx.store, this.#r)
    const urls = state.paths.map((p) => this.#ctx.signer.sign(p))
    if (this.#ctx.shuffleParquetUrls) {
      for (let i = urls.length - 1; i > 0; i--) {
        const j = Math.floor(this.#ctx.random() * (i + 1))
        ;[urls[i], urls[j]] = [urls[j], urls[i]]
      }
    }
    const live = this.#r.exportSettings.parquetExport
      ? liveDataOf(this.#r, state, args.liveKeys)
      : []
    return { parquetUrls: urls, liveData: live }
  }
  /** Number of files. */
  get fileCount(): number {
    return this.#r.files.size
  }
  /** A page of files. */
  files(args: FileListArgs): Connection<FileNode> {
    return listFiles(this.#r.files.values(), args, this.#ctx)
  }
  /** Artifacts the run logged. */
  outputArtifacts(args: PageArgs): Connection<ArtifactNode> {
    return artifactConnection(this.#r.loggedArtifacts, args, this.#ctx)
  }
  /** Artifacts the run used. */
  inputArtifacts(args: PageArgs): Connection<ArtifactNode> {
    return artifactConnection(this.#r.usedArtifacts, args, this.#ctx)
  }
  /** Number of console lines. */
  get logLineCount(): number {
    return this.#r.logLines.length
  }
  /** Console lines: the last `last` lines, or forward pages with `first`/`after`. */
  logLines(args: PageArgs & { last?: number | null }): Connection<Record<string, unknown>> {
    const lines = this.#r.logLines
    const toNode = (l: StoredLogLine) => ({
      id: nodeId('LogLine', this.#r.storageId, l.number),
      ...l,
    })
    if (args.last !== null && args.last !== undefined) {
      if (args.last <= 0) throw new BadRequestError(`invalid last ${args.last}: must be positive`)
      const tail = lines.slice(-args.last)
      const page = paginate(tail, { first: tail.length }, (l) => l.number, (a, b) => a - b)
      return { ...page, edges: page.edges.map((e) => ({ node: toNode(e.node), cursor: e.cursor })) }
    }
    const page = paginate(lines, args, (l) => l.number, (a, b) => a - b)
    return { ...page, edges: page.edges.map((e) => ({ node: toNode(e.node), cursor: e.cursor })) }
  }
}

/** The last ten rows of a table as a JSON list of JSON texts (W&B's `historyTail` shape). */
function tailOf(table: { rowCount: number; rowAt(i: number): Record<string, unknown> }): string {
  const rows: string[] = []
  for (let i = Math.max(0, table.rowCount - 10); i < table.rowCount; i++) {
    rows.push(jsonText(table.rowAt(i)))
  }
  return JSON.stringify(rows)
}
