/**
 * `Run`: one W&B run read through the public API, with every attribute of the SDK's `Run`.
 *
 * @module
 */
import type { Artifact } from './artifact.ts'
import {
  type LogArtifactOptions,
  recordArtifactLog,
  recordArtifactUse,
  type UseArtifactOptions,
} from './artifact_links.ts'
import { type ArtifactsOptions, listRunArtifacts } from './artifacts.ts'
import type { RunFile } from './file.ts'
import { type FilesOptions, findRunFile, listRunFiles } from './files.ts'
import { assertJsonValue, cloneJson, defineKey, isPlainObject } from '../json/json_edit.ts'
import { RUN_HISTORY_KEYS_QUERY } from './queries.ts'
import { fetchRunNode } from './run_node.ts'
import { convertToDict, pyRepr, quoteSegment, splitConfig } from './run_attrs.ts'
import { type CreateRunOptions, registerRun, type RunCreator } from './run_create.ts'
import {
  checkStateTransition,
  readRunState,
  sendDeleteRun,
  sendRunState,
  sendStopRun,
  type SettableRunState,
  waitForTerminalState,
  type WaitUntilFinishedOptions,
} from './run_lifecycle.ts'
import {
  applyWriteResult,
  captureBase,
  type RunChanges,
  runChanges,
  type RunWriteBase,
  type RunWriteResult,
  snapshotForWrite,
  writeRunChanges,
  type WriteSnapshot,
} from './run_update.ts'
import { createSummaryView, type SummaryView } from './summary_view.ts'
import { type UploadFetchOptions, type UploadFileOptions, uploadRunFile } from './upload_file.ts'
import { runHistoryKeysSchema } from './schemas.ts'
import type { GraphqlTransport } from './transport.ts'
import {
  downloadHistoryExports,
  type DownloadHistoryExportsOptions,
  type DownloadHistoryResult,
  followHistory,
  type FollowHistoryOptions,
  type SampledHistory,
  sampledHistory,
  type SampledHistoryOptions,
  scanHistory,
  type ScanHistoryOptions,
  type SignedFetchOptions,
} from './history/mod.ts'
import { parseJson } from '../json/parse_json.ts'
import { followPolled, type FollowPollOptions } from './follow_poll.ts'
import type { Row } from '../row.ts'
import { writeStderr } from '../runtime.ts'
import { collect } from '../streams/paged_stream.ts'
import { REMOTE_SYSTEM_SAMPLES } from './history/sampled_history.ts'
import { openRunFile } from './open_run_file.ts'
import { artifactFileEntry } from '../source/rows.ts'
import type {
  HistoryKeys,
  RunArtifactEntry,
  RunArtifactFileEntry,
  RunConsoleOptions,
  RunFileEntry,
  RunListFilesOptions,
  RunOpenFileOptions,
  RunReader,
  RunSystemOptions,
} from '../source/run_reader.ts'

/** What a `Run` needs from the `Api` that made it. */
export interface RunClient {
  /** The GraphQL transport. */
  readonly transport: GraphqlTransport
  /** The app (UI) URL without trailing slash, for `Run.url`. */
  readonly appUrl: string
  /** How history readers fetch signed export URLs (never with credentials), e.g. a custom fetch. */
  readonly exportFetch?: Omit<SignedFetchOptions, 'signal'>
  /** How `uploadFile` PUTs to signed upload URLs: the fetch and retry settings. */
  readonly uploadFetch?: UploadFetchOptions
}

/** Options of {@link Run.update}. */
export interface RunUpdateOptions {
  /** Cancels the requests (the write may still have reached the server). */
  signal?: AbortSignal
}

/** Options of {@link Run.delete}. */
export interface RunDeleteOptions {
  /** Also delete the artifacts the run logged. @default false */
  deleteArtifacts?: boolean
  /** Cancels the request. */
  signal?: AbortSignal
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
export class Run implements RunReader {
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
  #listedFiles = new Map<string, RunFile>()
  #configSplit = false
  /** The writable values as last read from the server; `update()` sends the difference. */
  #base: RunWriteBase | undefined
  /** Serializes `update()` calls on this object. */
  #writes: Promise<unknown> = Promise.resolve()
  #summaryView: { target: Record<string, unknown>; view: SummaryView } | undefined

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
      this.#base = captureBase(this.#attrs)
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
    const fetch = force || Object.keys(this.#attrs).length === 0
    if (fetch) {
      const node = await fetchRunNode(
        this.transport,
        this,
        full,
        `Could not find run ${this.runPath} on ${this.transport.baseUrl}; check the entity, project and run id`,
        signal,
      )
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
    if (fetch) this.#base = captureBase(this.#attrs)
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
  /** The display name (may be undefined); assign and `update()` to rename. */
  get name(): string | undefined {
    return this.#attrs.displayName as string | undefined ?? undefined
  }
  set name(value: string | undefined) {
    this.#setText('displayName', 'name', value)
  }
  /** Alias of `name`. */
  get displayName(): string | undefined {
    return this.name
  }
  set displayName(value: string | undefined) {
    this.#setText('displayName', 'displayName', value)
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
  /** Tags; assign a new list (or push/splice this one) and `update()` to save. */
  get tags(): string[] {
    if (!Array.isArray(this.#attrs.tags)) this.#attrs.tags = []
    return this.#attrs.tags as string[]
  }
  set tags(value: string[]) {
    if (!Array.isArray(value) || value.some((t) => typeof t !== 'string' || t === '')) {
      throw new TypeError(
        `Cannot set Run.tags of ${this.runPath}: pass an array of non-empty strings`,
      )
    }
    this.#attrs.tags = [...value]
  }
  /** Notes, or undefined; assign and `update()` to save. */
  get notes(): string | undefined {
    return this.#attrs.notes as string | undefined ?? undefined
  }
  set notes(value: string | undefined) {
    this.#setText('notes', 'notes', value)
  }
  /** Description, or undefined; assign and `update()` to save. */
  get description(): string | undefined {
    return this.#attrs.description as string | undefined ?? undefined
  }
  set description(value: string | undefined) {
    this.#setText('description', 'description', value)
  }
  /** Group, or undefined; assign and `update()` to save. */
  get group(): string | undefined {
    return this.#attrs.group as string | undefined ?? undefined
  }
  set group(value: string | undefined) {
    this.#setText('group', 'group', value)
  }
  /** Job type, or undefined; assign and `update()` to save. */
  get jobType(): string | undefined {
    return this.#attrs.jobType as string | undefined ?? undefined
  }
  set jobType(value: string | undefined) {
    this.#setText('jobType', 'jobType', value)
  }

  /** Stores a text field locally (undefined clears it), or throws a TypeError for a non-string. */
  #setText(attr: string, label: string, value: string | undefined): void {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new TypeError(
        `Cannot set Run.${label} of ${this.runPath}: expected a string or undefined, got ${typeof value}`,
      )
    }
    this.#attrs[attr] = value ?? null
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
  /** `historyKeys` as the server sent it (`{keys, lastStep}`); only the full fragment selects it. */
  get historyKeys(): HistoryKeys {
    const value = this.#heavy('historyKeys', 'historyKeys')
    return (typeof value === 'string' ? parseJson(value) : value) as HistoryKeys
  }
  /**
   * User config, unwrapped from `{value, desc}`, without `_wandb`/`wandb_version`. Edit it in
   * place (or assign a new object) and `update()` to save the changed keys.
   */
  get config(): Record<string, unknown> {
    return this.#heavy('config', 'config') as Record<string, unknown>
  }
  set config(value: Record<string, unknown>) {
    this.#heavy('config', 'config')
    if (!isPlainObject(value)) {
      throw new TypeError(`Cannot set Run.config of ${this.runPath}: pass a plain object`)
    }
    assertJsonValue(value, 'config')
    this.#attrs.config = cloneJson(value)
  }
  /** Config with the internal keys. */
  get rawconfig(): Record<string, unknown> {
    return this.#heavy('rawconfig', 'rawconfig') as Record<string, unknown>
  }
  /** Summary metrics: the same view as {@link Run.summary}. */
  get summaryMetrics(): SummaryView {
    return this.#summary('summaryMetrics')
  }
  /**
   * The summary as a mutable view: read and assign keys, `delete` them, or use
   * `set/get/has/delete` with nested key paths, then `update()`; `summary.update({...})` sets
   * keys and saves the summary at once (the SDK's `HTTPSummary`).
   */
  get summary(): SummaryView {
    return this.#summary('summary')
  }

  /** The summary view over the current summary object (one view per object). */
  #summary(label: string): SummaryView {
    const target = this.#heavy('summaryMetrics', label) as Record<string, unknown>
    if (this.#summaryView?.target !== target) {
      const view = createSummaryView(target, () => this.#commit(true).then(() => undefined))
      this.#summaryView = { target, view }
    }
    return this.#summaryView.view
  }
  /** Latest system metrics. */
  get systemMetrics(): Record<string, unknown> {
    return this.#heavy('systemMetrics', 'systemMetrics') as Record<string, unknown>
  }

  /**
   * Creates a run (the SDK's `Run.create`) and returns it fully loaded. Unless `allowExisting`,
   * a run id that already exists is refused before anything is written.
   */
  static async create(api: RunCreator, options: CreateRunOptions = {}): Promise<Run> {
    const { entity, project, runId } = await registerRun(api, options)
    const run = new Run(api, entity, project, runId, undefined, { lazy: false })
    await run.load(true, options.signal)
    return run
  }

  /** The base changes are taken from, or a TypeError when the run was never read. */
  #requireBase(action: string): RunWriteBase {
    if (!this.#base) throw this.#missingBase(action)
    return this.#base
  }

  /** The TypeError for a write on a run that was never read. */
  #missingBase(action: string): TypeError {
    return new TypeError(
      `Cannot ${action} run ${this.runPath}: it is not loaded; await run.load() first`,
    )
  }

  /** What {@link Run.update} would send now, relative to the values last read from the server. */
  pendingChanges(): RunChanges {
    return runChanges(this.#requireBase('list the changes of'), this.#attrs)
  }

  /**
   * Saves what changed since the run was read (name, notes, description, group, job type, tags,
   * config keys, summary keys) with one `UpsertBucket`; sends nothing when nothing changed. Tags,
   * config and summary are merged into a fresh read (see `src/api/run_update.ts` for what a
   * concurrent writer can overwrite). Calls on one object run one after another, each sending
   * the values as they were when it was called. Reloading (`load(true)`, `loadFull()`) discards
   * unsaved edits, as in the SDK.
   */
  update(options: RunUpdateOptions = {}): Promise<RunWriteResult> {
    return this.#commit(false, options.signal)
  }

  /** Alias of {@link Run.update}, as in the SDK. */
  save(options: RunUpdateOptions = {}): Promise<RunWriteResult> {
    return this.update(options)
  }

  /** Sets top-level summary keys and saves the summary only (what `run.summary.update()` does). */
  async updateSummary(
    values: Record<string, unknown>,
    options: RunUpdateOptions = {},
  ): Promise<void> {
    const summary = this.#heavy('summaryMetrics', 'summary') as Record<string, unknown>
    if (!isPlainObject(values)) {
      throw new TypeError(`Cannot update the summary of ${this.runPath}: pass an object`)
    }
    for (const [key, value] of Object.entries(values)) {
      assertJsonValue(value, `summary key ${key}`)
      defineKey(summary, key.trim(), cloneJson(value))
    }
    await this.#commit(true, options.signal)
  }

  /** Queues a write of the values as they are now, after the writes in flight on this object. */
  #commit(summaryOnly: boolean, signal?: AbortSignal): Promise<RunWriteResult> {
    if (!this.#base) return Promise.reject(this.#missingBase('update'))
    const base = this.#base
    let sent: WriteSnapshot
    try {
      sent = snapshotForWrite(this.#attrs)
    } catch (err) {
      return Promise.reject(err)
    }
    const next = this.#writes.catch(() => {}).then(async () => {
      const all = runChanges(base, sent)
      const changes = summaryOnly
        ? { fields: [], tags: { added: [], removed: [] }, config: [], summary: all.summary }
        : all
      const result = await writeRunChanges(this.transport, this, changes, signal)
      if (this.#base === base) applyWriteResult(this.#attrs, base, changes, sent, result)
      return result
    })
    this.#writes = next
    return next
  }

  /**
   * Sets the run's state on the server: `pending` (re-queue) from running, failed, crashed or
   * preempted; `failed` from pending or running. The current state is read first; another
   * transition, or a sweep run, is a RangeError and nothing is sent.
   */
  async updateState(
    state: SettableRunState,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const current = await readRunState(this.transport, this, options.signal)
    checkStateTransition(this, current, state)
    await sendRunState(this.transport, this, state, options.signal)
    this.#state = state
    this.#attrs.state = state
  }

  /** Asks the run to stop (`StopRun`): its process sees the flag on its next heartbeat. */
  stop(options: { signal?: AbortSignal } = {}): Promise<void> {
    return sendStopRun(this.transport, this, options.signal)
  }

  /** Deletes the run, and with `deleteArtifacts` the artifacts it logged. */
  delete(options: RunDeleteOptions = {}): Promise<void> {
    return sendDeleteRun(this.transport, this, options.deleteArtifacts ?? false, options.signal)
  }

  /**
   * Polls the state until the run is finished, failed, crashed, killed or preempted (with growing
   * waits) and returns that state; rejects with a TimeoutError DOMException after `timeoutMs`
   * and with the signal's reason on abort.
   */
  async waitUntilFinished(options: WaitUntilFinishedOptions = {}): Promise<string> {
    const state = await waitForTerminalState(this.transport, this, options)
    this.#state = state
    this.#attrs.state = state
    return state
  }

  /**
   * Uploads a local file to the run as `relative(root, path)` (root defaults to the working
   * directory), streamed from disk; returns the file as the server lists it.
   */
  uploadFile(path: string, options: UploadFileOptions = {}): Promise<RunFile> {
    return uploadRunFile(this.transport, this.client.uploadFetch ?? {}, this, path, options)
  }

  /** Records that this run used `artifact` (an input); returns the artifact. */
  async useArtifact(artifact: Artifact, options: UseArtifactOptions = {}): Promise<Artifact> {
    await recordArtifactUse(this.transport, this, artifact, options)
    return artifact
  }

  /** Records that this run logged `artifact` (of its own project), adding aliases and tags. */
  async logArtifact(artifact: Artifact, options: LogArtifactOptions = {}): Promise<Artifact> {
    await recordArtifactLog(this.transport, this, artifact, options)
    return artifact
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

  /** The last logged step, `-1` when unknown, as a method (the {@link RunReader} form of `lastHistoryStep`). */
  readLastHistoryStep(_options: { signal?: AbortSignal } = {}): Promise<number> {
    return this.lastHistoryStep
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

  /** The run's console output (`output.log`) as text bytes; rejects when the run has none. */
  consoleText(options: RunConsoleOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return this.openFile('output.log', options)
  }

  /**
   * One file's bytes by name, through the bounded download (size cap, md5 check, deadline) with
   * one signed-URL refresh; a file the last {@link Run.listFiles} listed opens without a request.
   */
  async openFile(
    name: string,
    options: RunOpenFileOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const signal = options.signal
    const listed = this.#listedFiles.get(name)
    this.#listedFiles.delete(name) // its signed URL is used once; a later open asks again
    const file = listed ?? await this.file(name, signal)
    return await openRunFile(file, (s) => this.file(name, s), signal)
  }

  /** The files in the manifests of the artifacts the run logged (a server's used artifacts: none). */
  async listArtifactEntries(
    direction: 'logged' | 'used',
    options: { signal?: AbortSignal } = {},
  ): Promise<RunArtifactFileEntry[]> {
    const out: RunArtifactFileEntry[] = []
    if (direction === 'used') return out
    for await (const page of this.loggedArtifacts({ signal: options.signal })) {
      for (const a of page) {
        for (const e of await a.manifest(options.signal)) out.push(artifactFileEntry(a, e))
      }
    }
    return out
  }

  /** The run's files as every source lists them (see {@link Run.files} for URLs and MD5s). */
  async listFiles(options: RunListFilesOptions = {}): Promise<RunFileEntry[]> {
    const files = await collect(this.files({ signal: options.signal, pattern: options.pattern }))
    this.#listedFiles = new Map(files.map((f) => [f.name, f]))
    return files.map((f) => {
      const j = f.toJSON()
      return {
        name: j.name,
        sizeBytes: j.sizeBytes,
        mimetype: j.mimetype ?? null,
        updatedAt: j.updatedAt ?? null,
        md5: j.md5 ?? null,
        id: j.id ?? null,
        url: j.url ?? null,
        directUrl: j.directUrl ?? null,
      }
    })
  }

  /** The artifacts the run logged or used, as every source lists them. */
  async listArtifacts(
    direction: 'logged' | 'used',
    options: { signal?: AbortSignal } = {},
  ): Promise<RunArtifactEntry[]> {
    const list = direction === 'used' ? this.usedArtifacts(options) : this.loggedArtifacts(options)
    return (await collect(list)).map((a) => ({ ...a.toJSON() }))
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
   * when the server has exports, else GraphQL pages (see `src/api/history`). With `follow: true`
   * the stream then polls for new rows until the run reaches a terminal state.
   */
  scanHistory(options: FollowHistoryOptions = {}): ReadableStream<Row[]> {
    const withFetch = { exportFetch: this.client.exportFetch, ...options }
    if (options.follow === true) return followHistory(this.transport, this, withFetch)
    if (options.follow !== undefined && options.follow !== false) {
      throw new TypeError(
        `Cannot scan history: follow must be true or false, got ${options.follow}`,
      )
    }
    return scanHistory(this.transport, this, withFetch)
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

  /**
   * The system-metric rows as the server serves them, sampled (the SDK's
   * `history(stream="system")`); with `follow: true` as {@link Run.followSystemMetrics}.
   */
  scanSystemMetrics(options: RunSystemOptions = {}): ReadableStream<Row[]> {
    const { follow, signal, ...rest } = options
    if (follow) return this.followSystemMetrics({ signal, ...rest })
    return new ReadableStream<Row[]>({
      pull: async (controller) => {
        const sample = await this.history({
          stream: 'system',
          samples: REMOTE_SYSTEM_SAMPLES,
          signal,
        })
        if (sample.rows.length) controller.enqueue(sample.rows)
        controller.close()
      },
    })
  }

  /**
   * Streams the server-sampled system-metric rows (the SDK's `history(stream="system")`) and then
   * the newer ones as the run goes on, polling its state and the rows until it reaches a terminal
   * state; a row is emitted once, when its `_timestamp` is above every one before.
   */
  followSystemMetrics(
    options: FollowPollOptions & { samples?: number } = {},
  ): ReadableStream<Row[]> {
    const samples = options.samples ?? 100_000
    return followPolled({
      runPath: this.runPath,
      what: 'system metrics',
      state: (signal) => readRunState(this.transport, this, signal),
      rows: async (signal) => (await this.history({ stream: 'system', samples, signal })).rows,
      key: (row) => typeof row._timestamp === 'number' ? row._timestamp : undefined,
    }, options)
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
