/**
 * `LocalRun`: one W&B run read from its local `.wandb` file(s), with the attribute names of the
 * public API's `Run` where the log holds the data.
 *
 * Opening reads only each file's header, so opening and scanning read each file once; the
 * metadata pass (metadata record types plus history and stats records, history values not
 * JSON-parsed; memory bounded by the number of distinct keys, not by run length) runs on
 * `load()`, or synchronously on the first attribute read (see deferred_pass.ts). With
 * `metadata: 'scan'` the first history or system scan that reads every file runs it along;
 * with `metadata: 'full'` it runs while opening, as before. Rows, system metrics, console lines
 * and artifacts are read on demand, each pass decoding only its own record types.
 *
 * `LocalRun.open(source, { metadata: 'minimal' })` skips history, stats and summary records in
 * that pass, for callers that only stream rows, system metrics or console lines; the attributes
 * that need them then throw a TypeError instead of being wrong.
 *
 * A resumed run has one folder per process: `LocalRun.open(runFolder)` reads that folder only;
 * `LocalRun.open(wandbDir, { id })` (or `LocalRuns.get(id)`) reads every folder of the id in
 * start-time order, replaying config and summary across them and concatenating history.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { DamageReport } from './damage_report.ts'
import { openSegments, readMetadataFile, type RunSegment } from './run_segments.ts'
import type { ConsoleLinesOptions, HistoryOptions, LocalRunOptions } from './local_run_options.ts'
import { DEFAULT_RUNNING_WITHIN_SECONDS, type RunState } from './run_state.ts'
import { checkLogHeaders, ClockTap, DeferredPass, runPass, runPassSync } from './deferred_pass.ts'
import {
  FULL_PASS_ATTRIBUTES,
  type FullPassFacts,
  openDeferred,
  openEagerly,
  type OpenedRun,
  RUN_ATTRIBUTES,
} from './opened_run.ts'
import type { HistoryKeys } from './history_keys.ts'
import type { StepTally } from './history_record_row.ts'
import {
  historyRowStream,
  sampleRows,
  type ScanHistoryOptions,
  systemRowStream,
} from './history_scan.ts'
import type { ConsoleLine } from './console_output.ts'
import { consoleBytes, runConsoleLines } from './console_stream.ts'
import type { FollowOptions } from './follow_log.ts'
import { listRunFiles, type LocalFile, runFileEntry } from './run_files.ts'
import {
  type LocalArtifact,
  loggedArtifactEntry,
  readLoggedArtifacts,
  readUsedArtifacts,
  type UsedArtifact,
  usedArtifactEntry,
} from './run_artifacts.ts'

import type { LocalRunHtmlOptions } from '../report/run_html.ts'
import type {
  RunArtifactEntry,
  RunArtifactFileEntry,
  RunConsoleOptions,
  RunFileEntry,
  RunListFilesOptions,
  RunOpenFileOptions,
  RunReader,
} from '../source/run_reader.ts'
import { artifactFileEntry } from '../source/rows.ts'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
export type {
  ConsoleLinesOptions,
  HistoryOptions,
  LocalRunHtmlOptions,
  LocalRunOptions,
  RunSegment,
}

/** The symbol Deno's Jupyter kernel calls to display an object. */
const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display') as never

/** A run read from local `.wandb` file(s). */
export class LocalRun implements RunReader {
  /** The run folder (the last one for a multi-folder run). */
  readonly folder: string
  /**
   * Which metadata pass opened the run (`'minimal'`: history-derived attributes throw); a run
   * opened lazily (the default) reports `'full'`, the pass its attributes come from.
   */
  readonly metadataPass: 'full' | 'minimal'
  readonly #segments: RunSegment[]
  readonly #options: LocalRunOptions
  readonly #metadataFile: Record<string, unknown> | null
  /** A finished deferred pass not yet turned into attributes. */
  #pass: DeferredPass | undefined
  #opened: OpenedRun | undefined
  #listedPaths = new Map<string, string>()

  private constructor(
    segments: RunSegment[],
    options: LocalRunOptions,
    metadataFile: Record<string, unknown> | null,
    opened?: OpenedRun,
  ) {
    this.#segments = segments
    this.#options = options
    this.#metadataFile = metadataFile
    this.#opened = opened
    this.folder = segments[segments.length - 1].folder
    this.metadataPass = options.metadata === 'minimal' ? 'minimal' : 'full'
  }

  /**
   * Opens a run from a run folder, a `.wandb` file, or a `wandb/` folder (with `options.id`,
   * or holding a single run id). Throws an Error naming the path when it is none of these.
   * By default (`metadata: 'lazy'`) only the files' headers are read here; see
   * `LocalRunOptions.metadata` for which later call reads the rest.
   */
  static async open(source: string, options: LocalRunOptions = {}): Promise<LocalRun> {
    if (typeof source !== 'string' || source === '') {
      throw new TypeError(
        `Cannot open a local run: source must be a non-empty path string, got ${String(source)}`,
      )
    }
    const mode = options.metadata ?? 'lazy'
    if (mode !== 'lazy' && mode !== 'scan' && mode !== 'full' && mode !== 'minimal') {
      throw new TypeError(
        `Cannot open a local run: metadata must be 'lazy', 'scan', 'full' or 'minimal', got ${
          JSON.stringify(mode)
        }`,
      )
    }
    const segments = await openSegments(source, { id: options.id, signal: options.signal })
    const lazy = mode === 'lazy' || mode === 'scan'
    if (lazy && !options.strict && !segments.some((s) => s.layout === 'pre-0.10')) {
      await checkLogHeaders(segments.map((s) => s.wandbFile), options.signal)
      return new LocalRun(segments, options, await readMetadataFile(segments))
    }
    return new LocalRun(segments, options, null, await openEagerly(segments, options))
  }

  /**
   * Reads what the attributes need now, asynchronously, unless a scan or an attribute read
   * already has (a lazily opened run; otherwise nothing to do); resolves to the run.
   */
  async load(options: { signal?: AbortSignal } = {}): Promise<this> {
    if (!this.#opened && !this.#pass) {
      const pass = await runPass(this.wandbFiles, this.#newPass(), options.signal)
      this.#pass ??= pass
    }
    return this
  }

  /** The attributes, from the open pass or the deferred one (run synchronously if none ran yet). */
  #run(): OpenedRun {
    if (this.#opened) return this.#opened
    const pass = this.#pass ?? runPassSync(this.wandbFiles, this.#newPass())
    this.#opened = openDeferred(pass, this.#segments, this.#metadataFile, this.#options)
    this.#pass = undefined
    return this.#opened
  }

  /** A deferred pass over the files, decoding console records when the state may need them. */
  #newPass(onEnd?: (pass: DeferredPass) => void): DeferredPass {
    const within = this.#options.runningWithinSeconds ?? DEFAULT_RUNNING_WITHIN_SECONDS
    const last = this.#segments[this.#segments.length - 1]
    const recent = Date.now() - Date.parse(last.modifiedAt) <= within * 1000
    return new DeferredPass(this.wandbFiles, recent, onEnd)
  }

  /**
   * The pass a scan that reads every file runs along with `metadata: 'scan'` (none once the
   * attributes are known, or for a followed scan).
   */
  #tap(options: FollowOptions): DeferredPass | undefined {
    if (this.#options.metadata !== 'scan') return undefined
    if (this.#opened || this.#pass || options.follow === true) return undefined
    return this.#newPass((pass) => {
      this.#pass ??= pass
    })
  }

  // The attributes: read-only getters that the static block below defines over the metadata
  // pass's result (RUN_ATTRIBUTES, and FULL_PASS_ATTRIBUTES which throw after a minimal pass).

  /** The run id. */
  declare readonly id: string

  /** The display name, or the id when none was set (the server would generate a random name). */
  declare readonly name: string

  /** The display name as logged, or null when none was set. */
  declare readonly displayName: string | null

  /** The entity, or '' when the log does not name one (offline runs often don't). */
  declare readonly entity: string

  /** The project, or '' when the log does not name one. */
  declare readonly project: string

  /** `[entity, project, id]`, unencoded ('' for unknown parts). */
  declare readonly path: string[]

  /** Tags from the latest run record that lists any, else empty. */
  declare readonly tags: string[]

  /** The run notes, or null when none were set. */
  declare readonly notes: string | null

  /** The run group, or null when none was set. */
  declare readonly group: string | null

  /** The job type, or null when none was set. */
  declare readonly jobType: string | null

  /** Host name of the machine that wrote the run, or null when not recorded. */
  declare readonly host: string | null

  /** Id of the sweep the run belongs to, or null. */
  declare readonly sweepId: string | null

  /** The git commit recorded at start, or null. */
  declare readonly commit: string | null

  /** The git remote and commit recorded at start, or null. */
  declare readonly git: { remoteUrl: string; commit: string } | null

  /** Derived state (when the attributes were read; see `runningWithinSeconds`). */
  declare readonly state: RunState

  /** Exit code of the last file's exit record, or null when the run has not exited. */
  declare readonly exitCode: number | null

  /** Run start, ISO 8601 UTC with whole seconds, or null when no run record has a start time. */
  declare readonly createdAt: string | null

  /** User config (no `_wandb`), values as logged. */
  declare readonly config: Row

  /**
   * Config including `_wandb` (first), rebuilt as the writer of the log composes it (see
   * config_internal.ts); after `metadata: 'minimal'` the legacy writer's glob-expanded metric
   * definitions are missing from `_wandb.m` (history is not read).
   */
  declare readonly rawconfig: Row

  /** Environment: the `environment` records merged, else `files/wandb-metadata.json`, else null. */
  declare readonly metadata: Record<string, unknown> | null

  /** One damage report per file read. */
  declare readonly damage: DamageReport[]

  /** Whether any file lost records to damage. */
  declare readonly damaged: boolean

  /** The writer: wandb-core's header producer (`<version>+<commit>`), else the SDK version, else null. */
  declare readonly producer: string | null

  /** SDK version from telemetry, or null. */
  declare readonly cliVersion: string | null

  /** Python version from telemetry, or null. */
  declare readonly pythonVersion: string | null

  /** Whether a run record says the run was resumed (`resumed`, or the `resume` mode flag of SDK ≥ 0.31). */
  declare readonly resumed: boolean

  /** The step a resumed run started at, or null. */
  declare readonly startingStep: number | null

  /** Latest activity seen in the log (history `_timestamp`, stats, exit), ISO string, or null. */
  declare readonly heartbeatAt: string | null

  /** Seconds run: the exit record's runtime, else latest activity minus start. */
  declare readonly runtime: number

  /** Summary: history-derived last values overlaid by summary records. */
  declare readonly summary: Row

  /** The API's name for `summary` (the same object). */
  declare readonly summaryMetrics: Row

  /** The `system.*` values of the last system-metrics row (empty without one), as the API's `systemMetrics`. */
  declare readonly systemMetrics: Row

  /** History keys and value types in the API's `historyKeys` shape. */
  declare readonly historyKeys: HistoryKeys

  /** History keys with a number that was not an integer (the others held only integers). */
  declare readonly historyDoubles: ReadonlySet<string>

  /** The highest integer step, or -1 without history. */
  declare readonly lastHistoryStep: number

  /** Number of history rows. */
  declare readonly historyLineCount: number

  /** Number of system-metric rows. */
  declare readonly systemLineCount: number

  /** How row steps were resolved: logged, from the step field, synthesized (no step), invalid `_step`. */
  declare readonly historySteps: StepTally

  /** The files read, in order (with their start times and damage reports). */
  get segments(): RunSegment[] {
    this.#run()
    return this.#segments
  }

  /** Returns the full pass's facts, or throws a TypeError naming the attribute in minimal mode. */
  #facts(attribute: string): FullPassFacts {
    const full = this.#run().full
    if (full) return full
    throw new TypeError(
      `Cannot read LocalRun.${attribute} of ${this.folder}: the run was opened with metadata: 'minimal', which skips history, stats and summary records; open it without that option`,
    )
  }

  static {
    // Each declared attribute becomes a getter over the pass's result (run on the first read);
    // opened_run_test checks that the declared types are the pass's.
    for (const key of RUN_ATTRIBUTES) {
      Object.defineProperty(LocalRun.prototype, key, {
        get(this: LocalRun) {
          return this.#run()[key]
        },
        configurable: true,
      })
    }
    for (const key of FULL_PASS_ATTRIBUTES) {
      Object.defineProperty(LocalRun.prototype, key, {
        get(this: LocalRun) {
          return this.#facts(key)[key]
        },
        configurable: true,
      })
    }
  }

  /** The `.wandb` files read, in order. */
  get wandbFiles(): string[] {
    return this.#segments.map((s) => s.wandbFile)
  }

  /**
   * Streams every history row (no sampling), in log order, as batches; with `follow: true` the
   * stream keeps tailing the last file until the run ends (see `follow_log.ts`).
   */
  scanHistory(options: ScanHistoryOptions = {}): ReadableStream<Row[]> {
    const tap = this.#tap(options)
    return historyRowStream(this.wandbFiles, options, this.#followReport(options), tap)
  }

  /** The last file's damage report, refilled by a followed scan (the open pass saw a file still growing). */
  #followReport(options: FollowOptions): DamageReport | undefined {
    const segments = this.#segments
    return options.follow === true ? segments[segments.length - 1].damage : undefined
  }

  /**
   * Returns an evenly spaced sample of history rows (or system rows with `stream: 'system'`), as
   * the SDK's `history(pandas=False)`; with `keys`, rows are projected to `_step` plus the keys
   * and the matching rows are counted in an extra pass first.
   */
  history(options: HistoryOptions = {}): Promise<Row[]> {
    const { samples = 500, stream = 'default', keys, keysMode, signal } = options
    if (stream !== 'default' && stream !== 'system') {
      throw new TypeError(
        `Cannot read history: stream must be 'default' or 'system', got ${JSON.stringify(stream)}`,
      )
    }
    const scan: ScanHistoryOptions = { keys, keysMode, signal }
    const sample = (counted: FullPassFacts | undefined): Promise<Row[]> =>
      stream === 'system'
        ? sampleRows(() => this.scanSystemMetrics(scan), samples, counted?.systemLineCount)
        : sampleRows(() => this.scanHistory(scan), samples, counted?.historyLineCount)
    // Without keys the metadata pass counts the rows (run now if it has not yet).
    if (keys !== undefined && keys.length > 0) return sample(undefined)
    return this.load({ signal }).then(() => sample(this.#run().full))
  }

  /** Streams the system-metric rows (API system stream shape), in log order, as batches. */
  scanSystemMetrics(
    options: Omit<ScanHistoryOptions, 'minStep' | 'maxStep'> = {},
  ): ReadableStream<Row[]> {
    // Before the metadata pass, the scan learns each file's clock from its run record; so does
    // a scan of a run opened before its writer wrote one (a followed run that just started).
    const known = this.#opened || this.#pass ? this.#run().clocks : undefined
    const tap = this.#tap(options) ??
      (known && this.wandbFiles.every((_, i) => known[i]?.startTime) ? undefined : new ClockTap())
    const clocks = tap ? (i: number) => tap.clock(i) : known!
    return systemRowStream(this.wandbFiles, clocks, options, this.#followReport(options), tap)
  }

  /**
   * Streams console lines after terminal emulation (one emulator per file), as batches; with
   * `follow: true` the stream keeps tailing the last file until the run ends.
   */
  consoleLines(options: ConsoleLinesOptions & FollowOptions = {}): ReadableStream<ConsoleLine[]> {
    return runConsoleLines(this.wandbFiles, options, this.#followReport(options))
  }

  /** Lists the run's files (under `files/` of every folder read, plus FilesRecord entries missing on disk). */
  async files(): Promise<LocalFile[]> {
    await this.load()
    return listRunFiles(this.#segments.map((s) => s.filesDir), this.#run().files)
  }

  /** The last integer step, `-1` without history, as a promise (the {@link RunReader} form of `lastHistoryStep`). */
  async readLastHistoryStep(options: { signal?: AbortSignal } = {}): Promise<number> {
    await this.load(options)
    return this.lastHistoryStep
  }

  /** The console output as `output.log` text bytes, escape sequences stripped (as `wbx logs`). */
  consoleText(options: RunConsoleOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const lines = this.consoleLines({ ansi: 'strip', signal: options.signal })
    return Promise.resolve(lines.pipeThrough(consoleBytes()))
  }

  /** The run's files as every source lists them (see {@link LocalRun.files} for paths and MD5s). */
  async listFiles(options: RunListFilesOptions = {}): Promise<RunFileEntry[]> {
    const files = await this.files()
    this.#listedPaths = new Map(files.flatMap((f) => f.path === null ? [] : [[f.name, f.path]]))
    const out: RunFileEntry[] = []
    for (const f of files) out.push(await runFileEntry(f, options.md5 === true))
    return out
  }

  /** One file's bytes, by its name under the run's `files/` (the {@link RunReader} read of a file). */
  async openFile(
    name: string,
    options: RunOpenFileOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    // A name the last listFiles listed opens without walking the folders again (a bulk export
    // opens every listed file, so no walk per file).
    const listed = this.#listedPaths.get(name)
    const file = listed ? { path: listed } : (await this.files()).find((f) => f.name === name)
    if (!file || file.path === null) {
      throw new Error(
        `Cannot open file ${JSON.stringify(name)} of run ${this.id}: ${
          file ? 'listed by the run but not on disk' : 'no such file'
        } under its files/ folder; \`wbx files\` lists the run's files`,
      )
    }
    const stream = createReadStream(file.path, { signal: options.signal })
    return Readable.toWeb(stream) as ReadableStream<Uint8Array>
  }

  /** The files of the manifests of the artifacts the run logged (a local log has no manifest of a used one). */
  async listArtifactEntries(
    direction: 'logged' | 'used',
    options: { signal?: AbortSignal } = {},
  ): Promise<RunArtifactFileEntry[]> {
    if (direction === 'used') return []
    const out: RunArtifactFileEntry[] = []
    for (const a of await this.loggedArtifacts(options)) {
      for (const e of a.manifest?.entries ?? []) out.push(artifactFileEntry(a, e))
    }
    return out
  }

  /** The artifacts the run logged or used, as every source lists them. */
  async listArtifacts(
    direction: 'logged' | 'used',
    options: { signal?: AbortSignal } = {},
  ): Promise<RunArtifactEntry[]> {
    if (direction === 'used') return (await this.usedArtifacts(options)).map(usedArtifactEntry)
    return (await this.loggedArtifacts(options)).map(loggedArtifactEntry)
  }

  /** Reads the artifacts the run logged, with their manifests. */
  loggedArtifacts(options: { signal?: AbortSignal } = {}): Promise<LocalArtifact[]> {
    return readLoggedArtifacts(this.wandbFiles, options.signal)
  }

  /** Reads the artifacts the run used as inputs. */
  usedArtifacts(options: { signal?: AbortSignal } = {}): Promise<UsedArtifact[]> {
    return readUsedArtifacts(this.wandbFiles, options.signal)
  }

  /** The run as one self-contained HTML view (every curve, context, config, summary), offline. */
  async toHtml(options: LocalRunHtmlOptions = {}): Promise<string> {
    const { localRunHtml } = await import('../report/run_html.ts')
    await this.load({ signal: options.signal })
    return await localRunHtml(this, options)
  }

  /** Shows the run inline in Deno's Jupyter kernel (the chart view as HTML). */
  async [JUPYTER_DISPLAY](): Promise<Record<string, string>> {
    return {
      'text/html': await this.toHtml({ fragment: true }),
      'text/plain': `LocalRun ${this.id} (${this.name}, ${this.state})`,
    }
  }
}
