/**
 * The one interface a run is read through, whatever holds it: `LocalRun` (a run folder or
 * `.wandb` file) and `Run` (a W&B server) both implement it, and a third source (say, a
 * TensorBoard folder) implements it to be read by the same code. Types only: this file imports
 * nothing at run time, so the sources below it may implement it without an import cycle.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { KeySelectionOptions } from '../history/key_selection.ts'
import type { HistoryKeys } from '../local/history_keys.ts'
import type { FollowEnd } from '../local/follow_log.ts'
import type { RemoteFollowEnd } from '../api/history/follow_history.ts'

export type { HistoryKeys }

/**
 * How a followed read ended: a local log's end (`records`, `bytes`, `exitCode`), a server run's
 * history (`lastStep`, `rows`) or polled rows (`rows`); each carries the run's `state`.
 */
export type RunFollowEnd = FollowEnd | RemoteFollowEnd | { state: string; rows: number }

/** Following a live run, shared by history, system metrics and console text. */
export interface RunFollowOptions {
  /** Keep reading while the run is live. @default false */
  follow?: boolean
  /** While following: error with a FollowIdleError after this many ms without new data. @default no limit */
  idleTimeoutMs?: number
  /** While following: the longest wait between two checks for new data, in ms. @default the source's */
  pollIntervalMs?: number
  /** While following: called once when the run ended by itself. */
  onEnd?: (end: RunFollowEnd) => void
}

/** The options of {@link RunReader.scanHistory}: the same for every source. */
export interface RunHistoryOptions extends KeySelectionOptions, RunFollowOptions {
  /** First step to return (inclusive). @default no bound */
  minStep?: number
  /** Step to stop before (exclusive, as the SDK). @default no bound */
  maxStep?: number
  /** Rows per stream chunk (the SDK's `page_size`). @default the source's */
  pageSize?: number
  /** Aborts the scan: the stream errors with the signal's reason. */
  signal?: AbortSignal
}

/** The options of {@link RunReader.scanSystemMetrics}. */
export interface RunSystemOptions extends RunFollowOptions {
  /** Aborts the scan. */
  signal?: AbortSignal
}

/** The options of {@link RunReader.consoleText}. */
export interface RunConsoleOptions {
  /** Aborts the read. */
  signal?: AbortSignal
}

/** The options of {@link RunReader.openFile}. */
export interface RunOpenFileOptions {
  /** Aborts the read (the open and the stream it gives). */
  signal?: AbortSignal
}

/** The options of {@link RunReader.listFiles}. */
export interface RunListFilesOptions {
  /** Aborts the listing. */
  signal?: AbortSignal
  /** Computes MD5s a source does not store (a local run's). @default false */
  md5?: boolean
  /**
   * Only names matching this SQL LIKE pattern (`%` any run, `_` one character): a server filters
   * on it; a source may list more, so callers match the names again. @default every file
   */
  pattern?: string
}

/** One file inside an artifact's manifest, as every source lists it. */
export interface RunArtifactFileEntry {
  /** The artifact's name (without the version). */
  artifact: string
  /** The artifact type. */
  type: string
  /** The path inside the artifact. */
  path: string
  /** The content digest (W&B's base64 MD5), or null when unknown. */
  digest?: string | null
  /** Size in bytes, or null when unknown. */
  size?: number | null
  /** The external reference URI of a reference entry, else null. */
  ref?: string | null
  /** The artifact version that first stored the file, when known. */
  birthArtifactId?: string | null
}

/** One file of a run, as every source lists it. */
export interface RunFileEntry {
  /** The file's name under the run's files, `/`-separated (the API's name). */
  name: string
  /** Size in bytes, or null when unknown (listed but absent). */
  sizeBytes: number | null
  /** The MIME type, or null when unknown. */
  mimetype: string | null
  /** Last modification, ISO string, or null when unknown. */
  updatedAt: string | null
  /** W&B's base64 MD5, when the source stores it (or computes it: `listFiles({ md5: true })`). */
  md5?: string | null
  /** Local runs: the absolute path on disk, null when listed but absent. */
  path?: string | null
  /** Local runs: whether the file is on disk. */
  present?: boolean | null
  /** Local runs: the upload policy a FilesRecord gave the file (`now`, `end`, `live`). */
  policy?: string | null
  /** Server runs: the file's id. */
  id?: string | null
  /** Server runs: the file's API URL. */
  url?: string | null
  /** Server runs: the storage URL the SDK's `File.direct_url` gives. */
  directUrl?: string | null
}

/** One artifact a run logged or used, as every source lists it. */
export interface RunArtifactEntry {
  /** The artifact's name (without the version). */
  name: string
  /** The artifact type (`dataset`, `model`, …). */
  type: string
  /** The version alias (`v3`), or null when unknown. */
  version: string | null
  /** Aliases (without the version alias on a server). */
  aliases?: string[] | null
  /** Tags. */
  tags?: string[] | null
  /** The manifest digest. */
  digest?: string | null
  /** Total size in bytes. */
  size?: number | null
  /** Number of files. */
  fileCount?: number | null
  /** Creation time (a server's string). */
  createdAt?: string | null
  /** Last update time (a server's string). */
  updatedAt?: string | null
  /** `COMMITTED`, `PENDING`, … (a server's). */
  state?: string | null
  /** Free-text description. */
  description?: string | null
  /** User metadata. */
  metadata?: unknown
  /** Entity of the artifact's project. */
  entity?: string | null
  /** The artifact's project. */
  project?: string | null
  /** History step the artifact was logged at, when known. */
  historyStep?: number | null
  /** The artifact's id (a server's id, or the id a local run recorded for a used artifact). */
  id?: string | null
}

/** A run to read: its attributes and its streams, one type each whatever the source. */
export interface RunReader {
  /** The run id (the last part of its path). */
  readonly id: string
  /** The run's name as the API reports it, or undefined when unknown. */
  readonly name: string | undefined
  /** The entity (user or team), or empty when the source does not know it. */
  readonly entity: string
  /** The project, or empty when the source does not know it. */
  readonly project: string
  /** `[entity, project, id]`. */
  readonly path: string[]
  /** `running`, `finished`, `failed`, `crashed`, … */
  readonly state: string
  /** The run's tags. */
  readonly tags: string[]
  /** When the run started, ISO string, or null/undefined when unknown. */
  readonly createdAt: string | null | undefined
  /** The run's latest activity, ISO string, or null/undefined when unknown. */
  readonly heartbeatAt: string | null | undefined
  /** The run's notes, or null/undefined without any. */
  readonly notes: string | null | undefined
  /** The run's group, or null/undefined without one. */
  readonly group: string | null | undefined
  /** The run's job type, or null/undefined without one. */
  readonly jobType: string | null | undefined
  /** The user config, without the internal `_wandb` keys. */
  readonly config: Row
  /** The config with its internal keys. */
  readonly rawconfig: Row
  /** The run summary (last values and the summary the run wrote). */
  readonly summary: Row
  /** History keys and value types in the API's `historyKeys` shape. */
  readonly historyKeys: HistoryKeys
  /** History rows, or undefined when the source does not count them up front. */
  readonly historyLineCount: number | undefined
  /** The last logged integer step, `-1` without history. */
  readLastHistoryStep(options?: { signal?: AbortSignal }): Promise<number>
  /** Every logged history row, unsampled, in step order, as batches. */
  scanHistory(options?: RunHistoryOptions): ReadableStream<Row[]>
  /** The system-metric rows (a server may serve them sampled), as batches. */
  scanSystemMetrics(options?: RunSystemOptions): ReadableStream<Row[]>
  /** The run's console output as text bytes (`output.log`). */
  consoleText(options?: RunConsoleOptions): Promise<ReadableStream<Uint8Array>>
  /** The run's files; `md5: true` computes MD5s a source does not store (a local run's). */
  listFiles(options?: RunListFilesOptions): Promise<RunFileEntry[]>
  /**
   * One listed file's bytes, by its `name` in {@link RunReader.listFiles} (size and MD5 are the
   * listing's); rejects naming the file when the run has no such file.
   */
  openFile(name: string, options?: RunOpenFileOptions): Promise<ReadableStream<Uint8Array>>
  /** The artifacts the run logged (`logged`) or used (`used`). */
  listArtifacts(
    direction: 'logged' | 'used',
    options?: { signal?: AbortSignal },
  ): Promise<RunArtifactEntry[]>
  /** The files in the manifests of the artifacts the run logged or used (none when unknown). */
  listArtifactEntries(
    direction: 'logged' | 'used',
    options?: { signal?: AbortSignal },
  ): Promise<RunArtifactFileEntry[]>
}
