/**
 * `Run`: one W&B run read through the public API, with every attribute of the SDK's `Run`.
 *
 * @module
 */
import type { Artifact } from './api/artifact.ts'
import { type ArtifactsOptions, listRunArtifacts } from './api/artifacts.ts'
import type { RunFile } from './api/file.ts'
import { type FilesOptions, findRunFile, listRunFiles } from './api/files.ts'
import { RUN_FULL_QUERY, RUN_HISTORY_KEYS_QUERY, RUN_LAZY_QUERY } from './api/queries.ts'
import { convertToDict, pyRepr, quoteSegment, splitConfig } from './api/run_attrs.ts'
import { runHistoryKeysSchema, runResponseSchema } from './api/schemas.ts'
import type { GraphqlTransport } from './api/transport.ts'
import { WandbApiError } from './api/wandb_api_error.ts'
import {
  downloadHistoryExports,
  type DownloadHistoryExportsOptions,
  type DownloadHistoryResult,
  type SampledHistory,
  sampledHistory,
  type SampledHistoryOptions,
  scanHistory,
  type ScanHistoryOptions,
  type SignedFetchOptions,
} from './api/history/mod.ts'
import { parseJson } from './json/parse_json.ts'
import type { Row } from './row.ts'
import { writeStderr } from './runtime.ts'

/** What a `Run` needs from the `Api` that made it. */
export interface RunClient {
  /** The GraphQL transport. */
  readonly transport: GraphqlTransport
  /** The app (UI) URL without trailing slash, for `Run.url`. */
  readonly appUrl: string
  /** How history readers fetch signed export URLs (never with credentials), e.g. a custom fetch. */
  readonly exportFetch?: Omit<SignedFetchOptions, 'signal'>
}

/** The user who created a run. */
export interface RunUser {
  /** Display name. */
  name: string | undefined
  /** Account name. */
  username: string | undefined
}

/** Options of `new Run(...)`. */
export interface RunOptions {
  /** Whether the run was (or will be) loaded with the lightweight fragment. @default true */
  lazy?: boolean
}

/** Options of {@link Run.toHtml}. */
export interface RunHtmlOptions {
  /** Iframe height in pixels. @default 420 */
  height?: number
  /** Hide the iframe behind a "Display W&B run" button. @default false */
  hidden?: boolean
}

/** Whether the fragment-only heavy fields have been read. */
const HEAVY = ['config', 'summaryMetrics', 'systemMetrics'] as const

let warnedUsername = false
let warnedBetaScan = false

/** A W&B run; heavy fields (`config`, `summary`, ...) need a full load on runs listed lazily. */
export class Run {
  /** The entity (user or team) owning the run's project. */
  readonly entity: string
  /** The project name. */
  readonly project: string
  /** The API client the run reads through. */
  readonly client: RunClient
  #attrs: Record<string, unknown>
  #lazy: boolean
  #isLoaded = false
  #fullDataLoaded = false
  #state: string
  #projectInternalId: number | undefined
  #user: RunUser | undefined
  #metadata: Record<string, unknown> | undefined
  #configSplit = false

  /**
   * Wraps a run node (`attrs`) or, without attrs, an unloaded run: call `await run.load(true)`
   * before reading attributes (`api.run()` does).
   */
  constructor(
    client: RunClient,
    entity: string,
    project: string,
    runId: string,
    attrs?: Record<string, unknown>,
    options: RunOptions = {},
  ) {
    this.client = client
    this.entity = entity
    this.project = project
    this.#lazy = options.lazy ?? true
    this.#attrs = { ...attrs, name: runId }
    this.#state = typeof attrs?.state === 'string' ? attrs.state : 'not found'
    if (attrs && Object.keys(attrs).length > 0) {
      this.#loadFromAttrs()
      this.#afterFetch(this.#lazy ? 'LightweightRunFragment' : 'RunFragment', false)
    }
  }

  /** The GraphQL transport (for readers such as the history module). */
  get transport(): GraphqlTransport {
    return this.client.transport
  }

  /** Whether the run was listed with the lightweight fragment. */
  get lazy(): boolean {
    return this.#lazy
  }

  /** A copy of the raw attributes as decoded from the server. */
  get attrs(): Record<string, unknown> {
    return { ...this.#attrs }
  }

  /** `entity/project/run_id`, unencoded. */
  get runPath(): string {
    return `${this.entity}/${this.project}/${this.id}`
  }

  /** Sends the single-run query with the given fragment (runs.py `_load_with_fragment`). */
  async #loadWithFragment(
    full: boolean,
    force: boolean,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> {
    if (force || Object.keys(this.#attrs).length === 0) {
      const data = await this.transport.request(full ? RUN_FULL_QUERY : RUN_LAZY_QUERY, {
        project: this.project,
        entity: this.entity,
        name: this.id,
      }, { signal, runPath: this.runPath, schema: runResponseSchema })
      const node = data.project?.run
      if (!node) {
        throw new WandbApiError(
          `Could not find run ${this.runPath} on ${this.transport.baseUrl}; check the entity, project and run id`,
          { code: 'not-found', status: 404, operation: RUN_FULL_QUERY.name, runPath: this.runPath },
        )
      }
      this.#attrs = { ...node }
      this.#configSplit = false
      this.#state = String(node.state ?? this.#state)
      if (node.user) {
        this.#user = {
          name: node.user.name ?? undefined,
          username: node.user.username ?? undefined,
        }
      }
    }
    this.#afterFetch(full ? 'RunFragment' : 'LightweightRunFragment', force)
    return this.#attrs
  }

  /** The post-fetch steps of `_load_with_fragment`: internal id, decoding, loaded flag. */
  #afterFetch(fragment: 'RunFragment' | 'LightweightRunFragment', force: boolean): void {
    if (this.#isLoaded && !force) return
    const projectId = this.#attrs.projectId
    this.#projectInternalId = projectId === undefined || projectId === null
      ? undefined
      : Number(projectId)
    if (fragment === 'RunFragment' || HEAVY.some((k) => k in this.#attrs)) this.#loadFromAttrs()
    if (fragment === 'LightweightRunFragment') this.#isLoaded = true
  }

  /** runs.py `_load_from_attrs`: parses the JSON fields and splits the config. */
  #loadFromAttrs(): void {
    const a = this.#attrs
    const hadConfig = 'config' in a
    if (typeof a.state === 'string') this.#state = a.state
    if (hadConfig) a.config = convertToDict(a.config, 'config')
    if ('summaryMetrics' in a) a.summaryMetrics = convertToDict(a.summaryMetrics, 'summary')
    if ('systemMetrics' in a) a.systemMetrics = convertToDict(a.systemMetrics, 'system metrics')
    if (hadConfig && !this.#configSplit) {
      const { config, rawconfig } = splitConfig(a.config as Record<string, unknown>)
      a.config = config
      a.rawconfig = rawconfig
      this.#configSplit = true
    }
    if (a.user && typeof a.user === 'object') {
      const u = a.user as Record<string, unknown>
      this.#user = {
        name: u.name as string | undefined ?? undefined,
        username: u.username as string | undefined ?? undefined,
      }
    }
  }

  /**
   * Loads the run with its fragment (lightweight when lazy, else full), as the SDK's `load()`: a
   * query is sent only when `force` or nothing is loaded yet. Rejects with a not-found
   * WandbApiError when the run does not exist.
   */
  load(force: boolean = false, signal?: AbortSignal): Promise<Record<string, unknown>> {
    if (Object.keys(this.#attrs).length > 0) this.#loadFromAttrs()
    return this.#loadWithFragment(!this.#lazy, force, signal)
  }

  /** Loads the heavy fields (config, summary, system metrics, history keys) with the full fragment. */
  async loadFull(force: boolean = false, signal?: AbortSignal): Promise<Record<string, unknown>> {
    if (!this.#lazy && !force && this.#fullDataLoaded) return this.#attrs
    if (!this.#lazy && !force && 'config' in this.#attrs) return this.#attrs
    const attrs = await this.#loadWithFragment(true, true, signal)
    this.#fullDataLoaded = true
    return attrs
  }

  /** A heavy attribute, or a TypeError saying how to load it. */
  #heavy(key: string, label: string): unknown {
    if (!(key in this.#attrs)) {
      throw new TypeError(
        `Cannot read Run.${label} of ${this.runPath}: it is not loaded (runs listed lazily carry no ${label}); ` +
          'await run.loadFull() first, or list runs with lazy: false',
      )
    }
    return this.#attrs[key]
  }

  /** The run id (the `run_id` in paths and URLs). */
  get id(): string {
    return String(this.#attrs.name)
  }
  /** The opaque GraphQL node id used by mutations (`storage_id`). */
  get storageId(): string {
    const id = this.#attrs.id
    if (typeof id !== 'string') {
      throw new TypeError(
        `Cannot read Run.storageId of ${this.runPath}: the run has no id; load it first`,
      )
    }
    return id
  }
  /** The display name (may be undefined). */
  get name(): string | undefined {
    return this.#attrs.displayName as string | undefined ?? undefined
  }
  /** Alias of `name`. */
  get displayName(): string | undefined {
    return this.name
  }
  /** `running`, `finished`, `crashed`, `failed`, `killed`, `preempting`, `preempted`, `pending`, or `not found`. */
  get state(): string {
    return this.#state
  }
  /** Deprecated alias of `entity` (warns once, as the SDK does). */
  get username(): string {
    if (!warnedUsername) {
      warnedUsername = true
      writeStderr('wbx: Run.username is deprecated. Please use Run.entity instead.\n')
    }
    return this.entity
  }
  /** `[entity, project, id]`, each percent-encoded like Python's `quote(safe="")`. */
  get path(): string[] {
    return [quoteSegment(this.entity), quoteSegment(this.project), quoteSegment(this.id)]
  }
  /** The run page in the W&B app. */
  get url(): string {
    const [e, p, id] = this.path
    return `${this.client.appUrl}/${e}/${p}/runs/${id}`
  }
  /** Tags. */
  get tags(): string[] {
    return (this.#attrs.tags as string[] | null | undefined) ?? []
  }
  /** Notes, or undefined. */
  get notes(): string | undefined {
    return this.#attrs.notes as string | undefined ?? undefined
  }
  /** Description, or undefined. */
  get description(): string | undefined {
    return this.#attrs.description as string | undefined ?? undefined
  }
  /** Group, or undefined. */
  get group(): string | undefined {
    return this.#attrs.group as string | undefined ?? undefined
  }
  /** Job type, or undefined. */
  get jobType(): string | undefined {
    return this.#attrs.jobType as string | undefined ?? undefined
  }
  /** Git commit, or undefined. */
  get commit(): string | undefined {
    return this.#attrs.commit as string | undefined ?? undefined
  }
  /** Creation time, the server's string unparsed. */
  get createdAt(): string | undefined {
    return this.#attrs.createdAt as string | undefined ?? undefined
  }
  /** Last heartbeat time, the server's string unparsed. */
  get heartbeatAt(): string | undefined {
    return this.#attrs.heartbeatAt as string | undefined ?? undefined
  }
  /** Number of history lines the server counted. */
  get historyLineCount(): number | undefined {
    return this.#attrs.historyLineCount as number | undefined ?? undefined
  }
  /** Whether the run is read-only for the caller. */
  get readOnly(): boolean | undefined {
    return this.#attrs.readOnly as boolean | undefined ?? undefined
  }
  /** The raw `projectId`. */
  get projectId(): string | number | undefined {
    return this.#attrs.projectId as string | number | undefined ?? undefined
  }
  /** The project's internal id as a number (SDK `_project_internal_id`). */
  get projectInternalId(): number | undefined {
    return this.#projectInternalId
  }
  /** The creating user. */
  get user(): RunUser | undefined {
    return this.#user
  }
  /** The sweep id, when the run belongs to one. */
  get sweepName(): string | undefined {
    return this.#attrs.sweepName as string | undefined ?? undefined
  }
  /** Raw `historyKeys` (`{keys, lastStep}`); only the full fragment selects it. */
  get historyKeys(): unknown {
    const value = this.#heavy('historyKeys', 'historyKeys')
    return typeof value === 'string' ? parseJson(value) : value
  }
  /** User config, unwrapped from `{value, desc}`, without `_wandb`/`wandb_version`. */
  get config(): Record<string, unknown> {
    return this.#heavy('config', 'config') as Record<string, unknown>
  }
  /** Config with the internal keys. */
  get rawconfig(): Record<string, unknown> {
    return this.#heavy('rawconfig', 'rawconfig') as Record<string, unknown>
  }
  /** Summary metrics (the parsed `summaryMetrics`). */
  get summaryMetrics(): Record<string, unknown> {
    return this.#heavy('summaryMetrics', 'summaryMetrics') as Record<string, unknown>
  }
  /** The summary: the same object as `summaryMetrics` (read-only in wbx). */
  get summary(): Record<string, unknown> {
    return this.#heavy('summaryMetrics', 'summary') as Record<string, unknown>
  }
  /** Latest system metrics. */
  get systemMetrics(): Record<string, unknown> {
    return this.#heavy('systemMetrics', 'systemMetrics') as Record<string, unknown>
  }

  /** The last logged step, `-1` when unknown; a new query on every access, as in the SDK. */
  get lastHistoryStep(): Promise<number> {
    return this.transport.request(RUN_HISTORY_KEYS_QUERY, {
      project: this.project,
      entity: this.entity,
      name: this.id,
    }, { runPath: this.runPath, schema: runHistoryKeysSchema }).then((data) => {
      let keys = data.project?.run?.historyKeys
      if (typeof keys === 'string') keys = parseJson(keys)
      const last = (keys as { lastStep?: unknown } | null | undefined)?.lastStep
      return typeof last === 'number' && Number.isFinite(last) ? Math.trunc(last) : -1
    })
  }

  /** Parsed `wandb-metadata.json`, or undefined on any failure; cached after a success. */
  get metadata(): Promise<Record<string, unknown> | undefined> {
    if (this.#metadata) return Promise.resolve(this.#metadata)
    return (async () => {
      try {
        const file = await this.file('wandb-metadata.json')
        const text = await new Response(await file.stream()).text()
        const value = parseJson(text)
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
        this.#metadata = value as Record<string, unknown>
        return this.#metadata
      } catch {
        return undefined
      }
    })()
  }

  /** Streams the run's files; `names` and `pattern` together are a TypeError. */
  files(options: FilesOptions = {}): ReadableStream<RunFile[]> {
    return listRunFiles(this.transport, this, options)
  }

  /** One file by exact name; rejects with a not-found WandbApiError when absent. */
  file(name: string, signal?: AbortSignal): Promise<RunFile> {
    return findRunFile(this.transport, this, name, signal)
  }

  /** Streams the artifacts this run logged. */
  loggedArtifacts(options: ArtifactsOptions = {}): ReadableStream<Artifact[]> {
    return listRunArtifacts(this.transport, this, 'logged', options)
  }

  /** Streams the artifacts this run used. */
  usedArtifacts(options: ArtifactsOptions = {}): ReadableStream<Artifact[]> {
    return listRunArtifacts(this.transport, this, 'used', options)
  }

  /**
   * Streams every logged history row in step order, unsampled: Parquet exports plus the live tail
   * when the server has exports, else GraphQL pages (see `src/api/history`).
   */
  scanHistory(options: ScanHistoryOptions = {}): ReadableStream<Row[]> {
    return scanHistory(this.transport, this, { exportFetch: this.client.exportFetch, ...options })
  }

  /** Deprecated SDK alias of {@link Run.scanHistory}; warns once. */
  betaScanHistory(options: ScanHistoryOptions = {}): ReadableStream<Row[]> {
    if (!warnedBetaScan) {
      warnedBetaScan = true
      writeStderr(
        'wbx: betaScanHistory is deprecated and will be removed in a future release. Use scanHistory instead.\n',
      )
    }
    return this.scanHistory(options)
  }

  /** Server-sampled history rows (the SDK's `history()`), labelled `sampled: true`. */
  history(options: SampledHistoryOptions = {}): Promise<SampledHistory> {
    return sampledHistory(this.transport, this, options)
  }

  /** Downloads the run's Parquet history exports into `dir` with the SDK's file names. */
  downloadHistoryExports(
    dir: string,
    options: DownloadHistoryExportsOptions = {},
  ): Promise<DownloadHistoryResult> {
    return downloadHistoryExports(this.transport, this, dir, {
      exportFetch: this.client.exportFetch,
      ...options,
    })
  }

  /** The SDK's `to_html`: an iframe of the run page (`?jupyter=true`), optionally hidden behind a button. */
  toHtml(options: RunHtmlOptions = {}): string {
    const height = options.height ?? 420
    let style = `border:none;width:100%;height:${height}px;`
    let prefix = ''
    if (options.hidden) {
      style += 'display:none;'
      prefix =
        `<button onClick="this.nextSibling.style.display='block';this.style.display='none';">Display W&B run</button>`
    }
    return `${prefix}<iframe src=${pyRepr(`${this.url}?jupyter=true`)} style=${
      pyRepr(style)
    }></iframe>`
  }

  /** `<Run entity/project/id (state)>` with encoded segments, like the SDK's repr. */
  toString(): string {
    return `<Run ${this.path.join('/')} (${this.state})>`
  }
}
