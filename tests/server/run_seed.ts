/**
 * The input shapes that seed the test server's in-memory store: runs, their files, console
 * lines and artifacts. Every field but the run path is optional.
 *
 * @module
 */
import type { Row } from '../../src/row.ts'
import type { HistoryTable } from './history_table.ts'

/** The run states the W&B server reports (lower-case). */
export type RunState =
  | 'running'
  | 'finished'
  | 'crashed'
  | 'failed'
  | 'killed'
  | 'preempting'
  | 'preempted'
  | 'pending'

/** A file stored with a run (served from the files origin). */
export interface RunFileSeed {
  /** Path relative to the run's files folder, with `/` separators, e.g. `media/images/a.png`. */
  name: string
  /** The file's bytes (strings are stored as UTF-8). */
  content: Uint8Array | string
  /** MIME type; @default derived from the extension */
  mimetype?: string
  /** Last update, as W&B formats it; @default the run's heartbeat time */
  updatedAt?: string
}

/** One captured console line. */
export interface LogLineSeed {
  /** The text, without the trailing newline. */
  line: string
  /** `error` for stderr; @default '' */
  level?: string
  /** ISO timestamp; @default derived from the run start */
  timestamp?: string
}

/** A file inside an artifact version. */
export interface ArtifactFileSeed {
  /** Path inside the artifact. */
  name: string
  /** The file's bytes. */
  content: Uint8Array | string
}

/** An artifact version a run logged or used. */
export interface ArtifactSeed {
  /** Collection (sequence) name, e.g. `dataset`. */
  name: string
  /** Artifact type, e.g. `dataset` or `model`; @default 'dataset' */
  type?: string
  /** Version index to reuse an existing version; @default the next free index (logged) */
  version?: number
  /** Extra aliases besides `latest`, which the newest version always carries. */
  aliases?: string[]
  /** Tags. */
  tags?: string[]
  /** Description. */
  description?: string
  /** Metadata object (returned as a JSON string). */
  metadata?: Record<string, unknown>
  /** History step the artifact was logged at. */
  historyStep?: number
  /** The files; @default one small `data.txt` */
  files?: ArtifactFileSeed[]
}

/** How a run's history is exported to Parquet for `parquetHistory`. */
export interface ExportSettings {
  /** Whether the backend exported the run at all (false: no URLs, no live data); @default true */
  parquetExport?: boolean
  /** How many of the last steps stay unexported and are served as `liveData`; @default 0 */
  liveTail?: number
  /** Rows per Parquet file (each file is one partition sorted by `_step`); @default 100000 */
  parquetFileRows?: number
  /** Rows per row group inside each file; @default 10000 */
  parquetRowGroupRows?: number
  /**
   * Serve the export files laid out once and encoded per request (streamed_export.ts) instead
   * of built and kept whole: memory per run is a footer, not the file; same bytes.
   * @default false
   */
  streamExport?: boolean
  /** The Parquet type of the `_step` column (some exports carry it as DOUBLE); @default 'INT64' */
  parquetStepType?: 'INT64' | 'DOUBLE'
  /** Whether export files carry column statistics (min/max); @default true */
  parquetStatistics?: boolean
  /**
   * What `parquetHistory` answers as `liveData`, whatever the live keys asked, instead of the
   * unexported rows: a stale or early live boundary (a server whose export and live view
   * disagree). @default null (the unexported rows)
   */
  liveData?: readonly Record<string, unknown>[] | null
}

/** Everything the store needs to create one run. */
export interface RunSeed extends ExportSettings {
  /** Entity (user or team) name. */
  entity: string
  /** Project name. */
  project: string
  /** Run ID (W&B's `name`, as in URLs). */
  id: string
  /** Display name; @default the run ID */
  displayName?: string
  /** State; @default 'finished' */
  state?: RunState
  /** Tags; @default [] */
  tags?: string[]
  /** Group. */
  group?: string | null
  /** Job type. */
  jobType?: string | null
  /** Notes. */
  notes?: string | null
  /** Description. */
  description?: string | null
  /** Git commit. */
  commit?: string | null
  /** Host name. */
  host?: string | null
  /** Sweep name. */
  sweepName?: string | null
  /** Whether the viewer may only read the run (writes get 403 `permission denied`); @default false */
  readOnly?: boolean
  /** Creation time, as W&B formats it; @default a fixed base time plus one minute per run added */
  createdAt?: string
  /** Last heartbeat; @default createdAt plus the history runtime */
  heartbeatAt?: string
  /** The user who created the run; @default the server's viewer */
  user?: { name?: string | null; username: string }
  /** User config as plain values; stored as W&B keeps it, `{key: {value, desc: null}}`. */
  config?: Record<string, unknown>
  /** Config exactly as stored (wrapped, internal `_wandb` key included); overrides `config`. */
  rawConfig?: Record<string, unknown>
  /** Summary; @default the last value of each history key */
  summary?: Record<string, unknown>
  /** History rows (each with `_step`) or a lazy table. */
  history?: readonly Row[] | HistoryTable
  /** System-metric rows (`system.*` keys with `_timestamp`/`_runtime`). */
  events?: readonly Row[] | HistoryTable
  /** Run files. */
  files?: RunFileSeed[]
  /** Console lines; @default the lines of `output.log` when that file is given */
  logLines?: LogLineSeed[]
  /** Artifacts this run logged. */
  loggedArtifacts?: ArtifactSeed[]
  /** Artifacts this run used (an existing version is reused when name and version match). */
  usedArtifacts?: ArtifactSeed[]
}
