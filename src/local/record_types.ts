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
  /** Whole seconds since the Unix epoch (`seconds`, field 1, int64). */
  seconds: number
  /** Nanoseconds within the second, 0 to 999,999,999 (`nanos`, field 2). */
  nanos: number
}

/** `HistoryRecord`: one history row. */
export interface HistoryRecord {
  /** The row's values (`item`, field 1); one item per leaf with the core writer. */
  items: Item[]
  /** `step.num` when the `step` sub-message is present (0 when it is present but empty), else undefined. */
  step?: number
}

/** `SummaryRecord` and `ConfigRecord`: updates and removals by key path. */
export interface UpdateRecord {
  /** Values to set at their key paths (`update`, field 1). */
  update: Item[]
  /** Key paths to delete (`remove`, field 2); their `valueJson` is unused. */
  remove: Item[]
}

/** `RunRecord`: run creation (first) or metadata update (later ones). */
export interface RunRecord {
  /** The run id (`run_id`, field 1), e.g. `g9dvvkua`. */
  runId: string
  /** Entity (user or team) name (`entity`, field 2); empty when not yet known, as offline. */
  entity: string
  /** Project name (`project`, field 3). */
  project: string
  /** Initial config (`config`, field 4; `update` items only). */
  config?: UpdateRecord
  /** Initial summary (`summary`, field 5); wandb-core ignores it. */
  summary?: UpdateRecord
  /** Run group (`run_group`, field 6). */
  runGroup: string
  /** Job type (`job_type`, field 7). */
  jobType: string
  /** Display name (`display_name`, field 8). */
  displayName: string
  /** Run notes (`notes`, field 9). */
  notes: string
  /** Run tags (`tags`, field 10). */
  tags: string[]
  /** Id of the sweep the run belongs to (`sweep_id`, field 12). */
  sweepId: string
  /** Host name of the machine that ran it (`host`, field 13). */
  host: string
  /** First step of a resumed run (`starting_step`, field 14), when present. */
  startingStep?: number
  /** Server-side storage id of the run (`storage_id`, field 16). */
  storageId: string
  /** When the run started (`start_time`, field 17). */
  startTime?: Timestamp
  /** The run continues an earlier run with the same id (`resumed`, field 18). */
  resumed: boolean
  /** Seconds already run before a resume (`runtime`, field 20). */
  runtime?: number
  /** Git remote URL and commit of the code (`git`, field 21). */
  git?: { remoteUrl: string; commit: string }
  /** The run was forked from another run (`forked`, field 22). */
  forked: boolean
  /**
   * Where a fork or rewind branched off: source run, metric and its value (`branch_point`, field
   * 23).
   */
  branchPoint?: { run: string; value: number; metric: string }
  /** The SDK's telemetry, of which only the version strings are kept (`telemetry`, field 19). */
  telemetry?: TelemetryRecord
  /** `resume` (field 24, SDK ≥ 0.31): the run was started in resume mode; false when absent. */
  resume?: boolean
  /** `shared_mode` (field 25, proposed format): several writers log to this run; false when absent. */
  sharedMode?: boolean
}

/** `RunExitRecord`. */
export interface ExitRecord {
  /** The process exit code (`exit_code`, field 1); 0 when absent. */
  exitCode: number
  /** Run duration in seconds (`runtime`, field 2); 0 when absent. */
  runtime: number
  /** `not_complete` (field 3): the SDK flags the run as not completed. */
  notComplete: boolean
}

/** Upload policy of a run file. */
export type FilePolicy = 'now' | 'end' | 'live'

/** `FilesRecord`: run files to save, relative to the run's `files/` folder. */
export interface FilesRecord {
  /**
   * The files (`files`, field 1): path (field 1, may be a glob), upload policy (2) and type (3).
   */
  files: { path: string; policy: FilePolicy; type: 'other' | 'wandb' | 'media' | 'artifact' }[]
}

/** `StatsRecord`: one system-metrics sample. */
export interface StatsRecord {
  /** When the sample was taken (`timestamp`, field 2). */
  timestamp?: Timestamp
  /**
   * Metric values (`item`, field 3): flat key such as `cpu` (field 1) and `value_json` text (field
   * 16).
   */
  items: { key: string; valueJson: string }[]
  /** The sample's `_runtime` as a pre-0.10 `wandb-events.jsonl` line wrote it (no such field in a log). */
  runtime?: number
}

/** `OutputRecord` and `OutputRawRecord`: console text from one stream. */
export interface OutputRecord {
  /** The stream (`output_type`, field 1); `stderr` when absent (STDERR is enum value 0). */
  stream: 'stdout' | 'stderr'
  /** When the text was captured (`timestamp`, field 2). */
  timestamp?: Timestamp
  /**
   * The text (`line`, field 3): one line for `output`, a raw chunk that may hold `\r` and `\n` for
   * `output_raw`.
   */
  line: string
}

/** `ArtifactManifestEntry`. */
export interface ManifestEntry {
  /** Path of the file inside the artifact (`path`, field 1). */
  path: string
  /** Content digest (`digest`, field 2); base64 MD5 for stored files. */
  digest: string
  /** Reference URI for reference entries (`ref`, field 3); empty for stored files. */
  ref: string
  /** File size in bytes (`size`, field 4). */
  size: number
  /** MIME type (`mimetype`, field 5). */
  mimetype: string
  /**
   * Cache path on the machine that wrote the log (`local_path`, field 6); usually absent elsewhere.
   */
  localPath: string
  /** Id of the artifact version that first stored this file (`birth_artifact_id`, field 7). */
  birthArtifactId: string
  /** Extra attributes as key to JSON text (`extra`, field 16). */
  extra: Record<string, string>
}

/** `ArtifactRecord`: an artifact logged by the run, with its manifest. */
export interface ArtifactRecord {
  /** Id of the run that logged it (`run_id`, field 1). */
  runId: string
  /** Project name (`project`, field 2). */
  project: string
  /** Entity name (`entity`, field 3). */
  entity: string
  /** Artifact type such as `model`, `dataset` or `code` (`type`, field 4). */
  type: string
  /** Artifact name without version or alias (`name`, field 5). */
  name: string
  /** Digest of the artifact's contents (`digest`, field 6). */
  digest: string
  /** Description (`description`, field 7). */
  description: string
  /** The metadata JSON text (`metadata`, field 8). */
  metadata: string
  /**
   * `user_created` (field 9): a draft artifact passed to `use_artifact`, logged on the run's
   * behalf.
   */
  userCreated: boolean
  /** `use_after_commit` (field 10): the run records it as an input once it is committed. */
  useAfterCommit: boolean
  /** Aliases such as `latest` (`aliases`, field 11). */
  aliases: string[]
  /** Artifact tags (`tags`, field 19). */
  tags: string[]
  /** Id shared by the writers of a distributed artifact (`distributed_id`, field 13). */
  distributedId: string
  /** Whether this write finalizes a distributed artifact (`finalize`, field 14). */
  finalize: boolean
  /** Client-side id of this artifact version (`client_id`, field 15). */
  clientId: string
  /** Client-side id of the artifact's sequence (`sequence_client_id`, field 16). */
  sequenceClientId: string
  /**
   * Id of the version this one was derived from, for incremental artifacts (`base_id`, field 17).
   */
  baseId: string
  /** Time to live in seconds (`ttl_duration_seconds`, field 18); 0 when unset. */
  ttlDurationSeconds: number
  /** `digest_algorithm` (field 20, SDK ≥ 0.31), when set. */
  digestAlgorithm?: string
  /**
   * The manifest (`manifest`, field 12): format `version` (1), `storagePolicy` name (2), its
   * config as key to JSON text (3), the entries (`contents`, 4), and `manifestFilePath` (5), a
   * gzipped JSONL file of the entries used instead of `contents` for huge manifests.
   */
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
  /** Server id of the artifact version (`id`, field 1). */
  id: string
  /** Artifact type (`type`, field 2). */
  type: string
  /** Artifact name (`name`, field 3). */
  name: string
}

/** `MetricRecord` (`define_metric`). */
export interface MetricRecord {
  /** The metric's key (`name`, field 1); empty when `globName` is set. */
  name: string
  /** A key pattern with `*` wildcards (`glob_name`, field 2). */
  globName: string
  /** Key of the metric used as this metric's x axis (`step_metric`, field 4). */
  stepMetric: string
  /** Hidden from the UI (`options.hidden`, field 6.2). */
  hidden: boolean
  /**
   * Summary aggregations requested, from `min`, `max`, `mean`, `best`, `last`, `none`, `copy`,
   * `first` (`summary`, field 7).
   */
  summary: string[]
  /** Optimisation direction (`goal`, field 8). */
  goal: 'unset' | 'minimize' | 'maximize'
  /** One-based index of the step metric in an encoded list (`step_metric_index`, field 5), else 0. */
  stepMetricIndex: number
  /** Field numbers of the `options` flags set (1 step_sync, 2 hidden, 3 defined), or undefined without `options`. */
  optionFields?: number[]
  /** Field numbers of the `summary` flags set (1 min … 8 first), or undefined without `summary`. */
  summaryFields?: number[]
  /** Whether this definition replaces an earlier one instead of merging (`_control.overwrite`). */
  overwrite: boolean
  /** Whether wandb-core expanded it from a glob definition (`expanded_from_glob`, field 10). */
  expandedFromGlob: boolean
}

/**
 * A TelemetryRecord as the SDKs encode it into the config's `_wandb.t`: field number → a string,
 * the sorted field numbers set in a flag message, or a field-number → string map (`label`).
 */
export type TelemetryDict = Record<string, string | number[] | Record<string, string>>

/** `TelemetryRecord`: the version strings, plus every field in the config's encoding. */
export interface TelemetryRecord {
  /** The record's fields as `_wandb.t` encodes them (`_info` left out). */
  dict?: TelemetryDict
  /** Python version of the run's process (`python_version`, field 4). */
  pythonVersion: string
  /** wandb SDK version that wrote the run (`cli_version`, field 5). */
  cliVersion: string
  /** wandb-core version (`core_version`, field 12); empty for the legacy writer. */
  coreVersion: string
}

/** `HeaderRecord`. */
export interface HeaderRecord {
  /**
   * The writer, wandb-core's `"<semver>+<commit>"` (`version_info.producer`, field 1.1); empty in
   * legacy files.
   */
  producer: string
  /** Oldest reader version that can read the file (`version_info.min_consumer`, field 1.2). */
  minConsumer: string
  /** Set to `pre-0.10` on the header the pre-0.10 folder source makes up (no such field in a log). */
  layout?: string
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
