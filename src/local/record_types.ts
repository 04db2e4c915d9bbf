/**
 * The decoded shapes of the `.wandb` transaction-log records a reader needs
 * (`wandb_internal.Record` in `wandb/proto/wandb_internal.proto`). Field names are the
 * proto names in camelCase; absent proto3 fields take their defaults unless marked optional.
 *
 * @module
 */

/** A history/summary/config item: its key path (`nested_key`, else `[key]`) and the raw `value_json` text. */
export interface Item {
  /**
   * Key path: `nested_key` when non-empty, else `[key]`. One-segment paths are interned:
   * items with the same key share one frozen array, so treat paths as read-only.
   */
  path: string[]
  /**
   * The value as extended JSON text (may hold bare NaN/Infinity). For a history item that
   * carries only the typed `value` oneof (SDK ≥ 0.31), this is that value rendered as JSON text.
   */
  valueJson: string
}

/** `google.protobuf.Timestamp`. */
export interface Timestamp {
  seconds: number
  nanos: number
}

/** `HistoryRecord`: one history row. */
export interface HistoryRecord {
  items: Item[]
  /** `step.num` when the `step` sub-message is present (0 when it is present but empty), else undefined. */
  step?: number
}

/** `SummaryRecord` and `ConfigRecord`: updates and removals by key path. */
export interface UpdateRecord {
  update: Item[]
  remove: Item[]
}

/** `RunRecord`: run creation (first) or metadata update (later ones). */
export interface RunRecord {
  runId: string
  entity: string
  project: string
  /** Initial config (`update` items only). */
  config?: UpdateRecord
  summary?: UpdateRecord
  runGroup: string
  jobType: string
  displayName: string
  notes: string
  tags: string[]
  sweepId: string
  host: string
  startingStep?: number
  storageId: string
  startTime?: Timestamp
  resumed: boolean
  /** Seconds already run before a resume. */
  runtime?: number
  git?: { remoteUrl: string; commit: string }
  forked: boolean
  branchPoint?: { run: string; value: number; metric: string }
  telemetry?: TelemetryRecord
  /** `resume` (field 24, SDK ≥ 0.31): the run was started in resume mode; false when absent. */
  resume?: boolean
  /** `shared_mode` (field 25, proposed format): several writers log to this run; false when absent. */
  sharedMode?: boolean
}

/** `RunExitRecord`. */
export interface ExitRecord {
  exitCode: number
  runtime: number
  notComplete: boolean
}

/** Upload policy of a run file. */
export type FilePolicy = 'now' | 'end' | 'live'

/** `FilesRecord`: run files to save, relative to the run's `files/` folder. */
export interface FilesRecord {
  files: { path: string; policy: FilePolicy; type: 'other' | 'wandb' | 'media' | 'artifact' }[]
}

/** `StatsRecord`: one system-metrics sample. */
export interface StatsRecord {
  timestamp?: Timestamp
  items: { key: string; valueJson: string }[]
}

/** `OutputRecord` and `OutputRawRecord`: console text from one stream. */
export interface OutputRecord {
  stream: 'stdout' | 'stderr'
  timestamp?: Timestamp
  line: string
}

/** `ArtifactManifestEntry`. */
export interface ManifestEntry {
  path: string
  digest: string
  ref: string
  size: number
  mimetype: string
  localPath: string
  birthArtifactId: string
  extra: Record<string, string>
}

/** `ArtifactRecord`: an artifact logged by the run, with its manifest. */
export interface ArtifactRecord {
  runId: string
  project: string
  entity: string
  type: string
  name: string
  digest: string
  description: string
  /** The metadata JSON text. */
  metadata: string
  userCreated: boolean
  useAfterCommit: boolean
  aliases: string[]
  tags: string[]
  distributedId: string
  finalize: boolean
  clientId: string
  sequenceClientId: string
  baseId: string
  ttlDurationSeconds: number
  /** `digest_algorithm` (field 20, SDK ≥ 0.31), when set. */
  digestAlgorithm?: string
  manifest?: {
    version: number
    storagePolicy: string
    storagePolicyConfig: Record<string, string>
    contents: ManifestEntry[]
    manifestFilePath: string
  }
}

/** `UseArtifactRecord`: an artifact the run used as input. */
export interface UseArtifactRecord {
  id: string
  type: string
  name: string
}

/** `MetricRecord` (`define_metric`). */
export interface MetricRecord {
  name: string
  globName: string
  stepMetric: string
  hidden: boolean
  summary: string[]
  goal: 'unset' | 'minimize' | 'maximize'
}

/** `TelemetryRecord`: only the version strings are kept. */
export interface TelemetryRecord {
  pythonVersion: string
  cliVersion: string
  coreVersion: string
}

/** `HeaderRecord`. */
export interface HeaderRecord {
  /** wandb-core's `"<semver>+<commit>"`; empty in legacy files. */
  producer: string
  minConsumer: string
}

/** `EnvironmentRecord` rendered with protojson (camelCase) names, as `wandb-metadata.json` holds it. */
export type EnvironmentRecord = Record<string, unknown>

/** One decoded record; `type` says which field of the `record_type` oneof was set. */
export type RecordBody =
  | { type: 'history'; history: HistoryRecord }
  | { type: 'summary'; summary: UpdateRecord }
  | { type: 'output'; output: OutputRecord }
  | { type: 'config'; config: UpdateRecord }
  | { type: 'files'; files: FilesRecord }
  | { type: 'stats'; stats: StatsRecord }
  | { type: 'artifact'; artifact: ArtifactRecord }
  | { type: 'telemetry'; telemetry: TelemetryRecord }
  | { type: 'metric'; metric: MetricRecord }
  | { type: 'output_raw'; output: OutputRecord }
  | { type: 'run'; run: RunRecord }
  | { type: 'exit'; exit: ExitRecord }
  | { type: 'final' }
  | { type: 'header'; header: HeaderRecord }
  | { type: 'footer' }
  | { type: 'preempting' }
  | { type: 'use_artifact'; useArtifact: UseArtifactRecord }
  | { type: 'environment'; environment: EnvironmentRecord }
  | { type: 'output_logger'; line: string }
  | { type: 'alert'; alert: { title: string; text: string; level: string } }
  /** Any record a reader skips: requests, tbrecord, noop_link_artifact, unknown numbers. */
  | { type: 'other'; field: number }

/** A decoded record with its position in the log. */
export type WandbRecord = RecordBody & {
  /** `Record.num` (1, 2, 3… from wandb-core and legacy ≥ 0.13.9), or 0 when absent. */
  num: number
  /** File offset of the record's first chunk. */
  offset: number
}
