/**
 * The export manifest, `wbx-manifest.json`: what was exported from where with which query, each
 * run's watermarks (last exported step, update time, history line count), completeness, the
 * size and sha256 of every file written, and the runs that failed. Versioned by `format` and
 * `version`; serialised deterministically (runs and failures sorted by id, fixed key order), so
 * two exports of the same data differ only in the timestamp fields listed in
 * {@linkcode MANIFEST_TIMESTAMP_FIELDS}.
 *
 * @module
 */
import type { ExportFormat } from '../export/mod.ts'
import type { HistorySchema } from './history_schema.ts'

/** The `format` field of every wbx export manifest. */
export const MANIFEST_FORMAT = 'wbx-export-manifest'

/** The manifest version this wbx writes and reads. */
export const MANIFEST_VERSION = 1

/** Fields holding wall-clock times: the only fields that differ between exports of the same data. */
export const MANIFEST_TIMESTAMP_FIELDS: readonly string[] = [
  'startedAt',
  'writtenAt',
  'finishedAt',
  'exportedAt',
]

/** What a bulk export reads besides the runs table. */
export interface Include {
  /** History rows, partitioned by run. */
  history: boolean
  /** System metrics (sampled by the W&B API; every sample from a local folder). */
  system: boolean
  /** Flattened config and summary columns in the runs table. */
  configSummary: boolean
  /** Run files. */
  files: boolean
  /** Logged and used artifacts, as a table. */
  artifacts: boolean
  /** Console output (`output.log`). */
  logs: boolean
}

/** Where the runs came from. */
export interface ManifestSource {
  /** `remote` (a W&B server) or `local` (a `wandb/` folder). */
  kind: 'remote' | 'local'
  /** `entity/project`, or the absolute `wandb/` folder. */
  path: string
  /** The API base URL for remote sources. */
  baseUrl?: string
}

/** The query and output settings of the last export into the folder. */
export interface ManifestQuery {
  /** Mongo-style run filters as given. */
  filters: Record<string, unknown>
  /** Listing order. */
  order: string
  /** `--since` bound, or null. */
  since: { field: 'created' | 'updated'; time: string } | null
  /** Explicit run ids, or null for every run. */
  runs: string[] | null
  /** `i/n`, or null. */
  shard: string | null
  /** History keys selected, or null for every key. */
  keys: string[] | null
  /** Output format of the tables. */
  format: ExportFormat
  /** Parquet codec. */
  codec: string
  /** Most rows per history part file. */
  partRows: number
  /** What was included. */
  include: Include
  /** File name pattern (SQL LIKE, as W&B uses) for `--files`, or null. */
  filePattern: string | null
}

/** One written file: where, how big, its sha256. */
export interface FileRecord {
  /** Path relative to the export folder, with `/` separators. */
  file: string
  /** Size in bytes. */
  bytes: number
  /** Lower-case hex sha256. */
  sha256: string
}

/** A history part: a file plus the rows and step range it holds. */
export interface PartRecord extends FileRecord {
  /** Rows in the part. */
  rows: number
  /** Smallest `_step` in the part, or null when no row had one. */
  minStep: number | null
  /** Largest `_step` in the part, or null when no row had one. */
  maxStep: number | null
  /** Fingerprint of the part's last row (see `row_fingerprint.ts`), to detect a rewound run. */
  lastRowHash: string | null
  /** Id of the dataset schema the part was written with (`dataset_schema.ts`); null: inferred. */
  schema?: string | null
}

/** A table file (system metrics, artifacts) and its row count. */
export interface TableRecord extends FileRecord {
  /** Rows in the file. */
  rows: number
}

/** A downloaded run file. */
export interface RunFileRecord extends FileRecord {
  /** The file's name inside the run. */
  name: string
  /** W&B's base64 md5 of the content, when known. */
  md5: string | null
}

/** A run's exported history: the watermark and the parts. */
export interface HistoryExport {
  /** Highest step exported (-1: none): the next export continues after it. */
  lastStep: number
  /** Rows exported over all parts. */
  rows: number
  /** Part files in order. */
  parts: PartRecord[]
}

/** One run's state in the manifest. */
export interface RunEntry {
  /** Run id. */
  id: string
  /** Display name. */
  name: string | null
  /** Run state when exported. */
  state: string
  /** Creation time as the source gives it. */
  createdAt: string | null
  /** Last update (heartbeat) time as the source gives it: a watermark. */
  updatedAt: string | null
  /** The source's history line count when exported: a watermark. */
  historyLineCount: number
  /** The source's last history step when exported (-1: no history): a watermark. */
  lastHistoryStep: number
  /** Whether every included part of the run was exported for these watermarks. */
  complete: boolean
  /** History, when included. */
  history?: HistoryExport
  /** System metrics, when included (`sampled`: the source serves only a sample). */
  system?: (TableRecord & { sampled: boolean }) | null
  /** Console output, when included; null when the run has none. */
  logs?: FileRecord | null
  /** Run files, when included. */
  files?: RunFileRecord[]
  /** Artifacts table, when included. */
  artifacts?: TableRecord | null
  /** When the run was last completed (a timestamp). */
  exportedAt?: string
}

/** A run that kept failing and was set aside (quarantined) so the others could go on. */
export interface FailureRecord {
  /** Run id. */
  runId: string
  /** Attempts made in the last export. */
  attempts: number
  /** The last error's message. */
  error: string
}

/** Totals over the manifest's runs. */
export interface ManifestTotals {
  /** Runs of the last selection. */
  runs: number
  /** Runs complete. */
  completeRuns: number
  /** Runs quarantined. */
  failedRuns: number
  /** History rows over all parts. */
  historyRows: number
  /** History part files. */
  historyParts: number
  /** Bytes of every file recorded. */
  bytes: number
}

/** The whole manifest. */
export interface Manifest {
  /** Always {@linkcode MANIFEST_FORMAT}. */
  format: string
  /** {@linkcode MANIFEST_VERSION}. */
  version: number
  /** The writer. */
  tool: { name: string; version: string }
  /** Where the runs came from. */
  source: ManifestSource
  /** The last query. */
  query: ManifestQuery
  /** When the last export began (a timestamp). */
  startedAt: string
  /** When this manifest was written (a timestamp). */
  writtenAt: string
  /** When the last export ended, or null while it runs or after it was interrupted (a timestamp). */
  finishedAt: string | null
  /** Whether every run of the last selection is complete and none failed. */
  complete: boolean
  /** Totals. */
  totals: ManifestTotals
  /** The runs table. */
  runsTable: FileRecord | null
  /** Run ids of the last selection, sorted. */
  selection: string[]
  /** The columns and types every history part has (Parquet and CSV; grows, never shrinks). */
  historySchema?: HistorySchema
  /** Every run ever exported into the folder, by id. */
  runs: Record<string, RunEntry>
  /** Quarantined runs of the last export. */
  failures: FailureRecord[]
}
