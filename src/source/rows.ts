/**
 * The one row vocabulary of every row wbx writes about runs, files and artifacts, for the CLI
 * and the bulk export alike: snake_case column names (the SDK's Python attribute names, and
 * what pandas, DuckDB and Spark users type), every column present whatever the source (null
 * when a source does not know it). The TypeScript objects the rows are built from keep their
 * camelCase attributes; a column's attribute is its name in camelCase (`size_bytes` is read
 * from `sizeBytes`).
 *
 * @module
 */
import type { Row } from '../row.ts'
import type {
  RunArtifactEntry,
  RunArtifactFileEntry,
  RunFileEntry,
  RunReader,
} from './run_reader.ts'

/** Columns of a file row (`wbx files`), in order. */
export const FILE_COLUMNS: readonly string[] = [
  'name',
  'size_bytes',
  'mimetype',
  'updated_at',
  'md5',
  'path',
  'present',
  'policy',
  'id',
  'url',
  'direct_url',
]

/** Columns of an artifact row (`wbx artifacts`, the bulk artifacts table), in order. */
export const ARTIFACT_COLUMNS: readonly string[] = [
  'direction',
  'name',
  'type',
  'version',
  'aliases',
  'tags',
  'digest',
  'size',
  'file_count',
  'created_at',
  'updated_at',
  'state',
  'description',
  'metadata',
  'entity',
  'project',
  'history_step',
  'id',
]

/** Columns of an artifact manifest entry row (`wbx artifacts --entries`), in order. */
export const ARTIFACT_ENTRY_COLUMNS: readonly string[] = [
  'artifact',
  'type',
  'path',
  'digest',
  'size',
  'ref',
  'birth_artifact_id',
]

/** The columns of a run row both the CLI listing and the bulk runs table hold, in order. */
export const RUN_TABLE_COLUMNS: readonly string[] = [
  'run_id',
  'name',
  'state',
  'tags',
  'group',
  'job_type',
  'created_at',
  'updated_at',
  'history_line_count',
  'last_history_step',
]

/** Columns of a run row of `wbx runs` (the bulk runs table's, then what a listing adds). */
export const RUN_COLUMNS: readonly string[] = [
  ...RUN_TABLE_COLUMNS,
  'entity',
  'project',
  'notes',
  'url',
  'exit_code',
  'resumed',
  'damaged',
  'folder',
  'wandb_file',
  'size_bytes',
  'files_size_bytes',
]

/** Keys of the `wbx info` document, in order. */
export const INFO_COLUMNS: readonly string[] = [
  'id',
  'name',
  'display_name',
  'entity',
  'project',
  'path',
  'url',
  'state',
  'exit_code',
  'created_at',
  'heartbeat_at',
  'runtime',
  'tags',
  'notes',
  'group',
  'job_type',
  'user',
  'host',
  'commit',
  'git',
  'sweep_id',
  'sweep_name',
  'read_only',
  'storage_id',
  'resumed',
  'starting_step',
  'last_history_step',
  'history_line_count',
  'system_line_count',
  'history_keys',
  'producer',
  'cli_version',
  'python_version',
  'folders',
  'damaged',
  'metadata',
]

/** A snake_case column's camelCase attribute name (`size_bytes` → `sizeBytes`). */
export function attributeName(column: string): string {
  return column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** A row with exactly `columns`, each read from its camelCase attribute of `fields` (null when absent). */
export function snakeRow(columns: readonly string[], fields: object): Row {
  const from = fields as Record<string, unknown>
  const row: Row = {}
  for (const column of columns) row[column] = from[attributeName(column)] ?? null
  return row
}

/** A file row. */
export function fileRow(file: RunFileEntry): Row {
  return snakeRow(FILE_COLUMNS, file)
}

/** An artifact row for the artifacts a run logged or used. */
export function artifactRow(direction: 'logged' | 'used', artifact: RunArtifactEntry): Row {
  return snakeRow(ARTIFACT_COLUMNS, { ...artifact, direction })
}

/** A reader's artifact rows: logged then used, or one direction. */
export async function artifactRows(
  reader: RunReader,
  direction: 'logged' | 'used' | undefined,
  signal: AbortSignal,
): Promise<Row[]> {
  const rows: Row[] = []
  for (const dir of direction ? [direction] : ['logged', 'used'] as const) {
    for (const a of await reader.listArtifacts(dir, { signal })) rows.push(artifactRow(dir, a))
  }
  return rows
}

/** What {@linkcode artifactFileEntry} reads of one manifest entry, from either source. */
export interface ManifestEntryFields {
  /** The path inside the artifact. */
  path: string
  /** The content digest, as the source has it. */
  digest?: string | null
  /** Size in bytes, when known. */
  size?: number | null
  /** The reference URI; empty for a stored file. */
  ref?: string | null
  /** The artifact version that first stored the file; empty when unknown. */
  birthArtifactId?: string | null
}

/** The entry every source lists for one file of an artifact's manifest (an empty ref or birth id is null). */
export function artifactFileEntry(
  artifact: { name: string; type: string },
  entry: ManifestEntryFields,
): RunArtifactFileEntry {
  return {
    artifact: artifact.name,
    type: artifact.type,
    path: entry.path,
    digest: entry.digest,
    size: entry.size ?? null,
    ref: entry.ref || null,
    birthArtifactId: entry.birthArtifactId || null,
  }
}

/** An artifact manifest entry row (an empty `ref` or birth id is null). */
export function artifactEntryRow(entry: RunArtifactFileEntry): Row {
  return snakeRow(ARTIFACT_ENTRY_COLUMNS, {
    ...entry,
    ref: entry.ref || null,
    birthArtifactId: entry.birthArtifactId || null,
  })
}

/** What a run row is built from: the run's attributes, camelCase, `runId` its id. */
export type RunRowFields = { runId: string } & Record<string, unknown>

/** A run row of `wbx runs` (every listing column). */
export function runRow(fields: RunRowFields): Row {
  return snakeRow(RUN_COLUMNS, fields)
}

/** The `wbx info` document: every key, null when the source does not know it. */
export function infoRow(fields: Record<string, unknown>): Row {
  const row = snakeRow(INFO_COLUMNS, fields)
  const git = fields.git as { remoteUrl?: string; commit?: string } | null | undefined
  if (git) row.git = { remote_url: git.remoteUrl ?? null, commit: git.commit ?? null }
  return row
}
