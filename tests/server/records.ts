/**
 * The records the in-memory store keeps: projects, runs, run files and artifacts, already in
 * the shape the resolvers answer from.
 *
 * @module
 */
import type { HistoryTable } from './history_table.ts'
import type { ExportSettings, RunState } from './run_seed.ts'

/** A stored file: its bytes and the metadata W&B reports for it. */
export interface StoredFile {
  /** Node ID. */
  id: string
  /** Path inside the run or artifact. */
  name: string
  /** The bytes. */
  bytes: Uint8Array
  /** MIME type. */
  mimetype: string
  /** Base64 MD5 of the bytes. */
  md5: string
  /** Last update time (W&B format). */
  updatedAt: string
  /** Path on the files origin, e.g. `/files/e/p/r/config.yaml`. */
  storagePath: string
  /** Path on the API origin that redirects to the signed URL, e.g. `/files/e/p/r/config.yaml`. */
  apiPath: string
}

/** One console line. */
export interface StoredLogLine {
  number: number
  line: string
  level: string
  timestamp: string
}

/** A project and its runs. */
export interface ProjectRecord {
  id: string
  internalId: number
  name: string
  entity: string
  createdAt: string
  runs: Map<string, RunRecord>
  collections: Map<string, ArtifactCollectionRecord>
}

/** A run as the resolvers see it. */
export interface RunRecord {
  /** Insertion order, the final tie-breaker of every ordering. */
  seq: number
  storageId: string
  project: ProjectRecord
  name: string
  displayName: string
  state: RunState
  tags: string[]
  group: string | null
  jobType: string | null
  notes: string | null
  description: string | null
  commit: string | null
  host: string | null
  sweepName: string | null
  createdAt: string
  heartbeatAt: string
  user: { name: string | null; username: string }
  /** Stored config, wrapped as `{key: {value, desc}}`. */
  rawConfig: Record<string, unknown>
  summary: Record<string, unknown>
  history: HistoryTable
  events: HistoryTable
  files: Map<string, StoredFile>
  logLines: StoredLogLine[]
  loggedArtifacts: ArtifactRecord[]
  usedArtifacts: ArtifactRecord[]
  exportSettings: Required<ExportSettings>
  /** Lazily computed `historyKeys`. */
  historyKeysCache?: Record<string, unknown>
  /** The Parquet export last built, keyed by the settings and row count it was built for. */
  exportCache?: RunExportState
  /** Whether the viewer may only read the run (mutations answer 403). */
  readOnly?: boolean
  /** Whether a client asked the run to stop (`stopRun`). */
  stopRequested?: boolean
}

/** Where a run's Parquet export lives on the files origin. */
export interface RunExportState {
  /** Settings and row count the export was built from. */
  signature: string
  /** Files-origin paths of the partition files, in step order. */
  paths: string[]
  /** Rows [0, exportedRows) are exported; the rest are live. */
  exportedRows: number
}

/** An artifact collection (W&B's ArtifactSequence). */
export interface ArtifactCollectionRecord {
  id: string
  name: string
  type: string
  project: ProjectRecord
  createdAt: string
  versions: ArtifactRecord[]
}

/** An artifact version. */
export interface ArtifactRecord {
  id: string
  collection: ArtifactCollectionRecord
  versionIndex: number
  type: string
  description: string | null
  metadata: Record<string, unknown>
  aliases: string[]
  tags: string[]
  historyStep: number | null
  createdAt: string
  digest: string
  commitHash: string
  size: number
  files: StoredFile[]
  manifest: StoredFile
  /** PENDING between `createArtifact` and `commitArtifact` (artifact_commit.ts); @default 'COMMITTED' */
  state?: 'PENDING' | 'COMMITTED'
}
