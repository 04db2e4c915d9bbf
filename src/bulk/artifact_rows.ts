/**
 * The artifacts table of a bulk export: one row per artifact a run logged or used, with the same
 * columns whether the run is remote or local.
 *
 * @module
 */
import type { Row } from '../row.ts'

/** Columns of the artifacts table, in order. */
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
  'description',
  'metadata',
  'id',
]

/** What an artifact row is built from (the API's `ArtifactInfo` or a local artifact). */
export interface ArtifactFields {
  name: string
  type: string
  version?: string | null
  aliases?: string[] | null
  tags?: string[] | null
  digest?: string | null
  size?: number | null
  fileCount?: number | null
  createdAt?: string | null
  description?: string | null
  metadata?: Record<string, unknown> | null
  id?: string | null
}

/** One artifacts-table row; `metadata` is kept as JSON text so the column type never varies. */
export function artifactRow(direction: string, a: ArtifactFields): Row {
  return {
    direction,
    name: a.name,
    type: a.type,
    version: a.version ?? null,
    aliases: JSON.stringify(a.aliases ?? []),
    tags: JSON.stringify(a.tags ?? []),
    digest: a.digest ?? null,
    size: a.size ?? null,
    file_count: a.fileCount ?? null,
    created_at: a.createdAt ?? null,
    description: a.description ?? null,
    metadata: a.metadata ? JSON.stringify(a.metadata) : null,
    id: a.id ?? null,
  }
}
