/**
 * The artifacts a local run logged (`ArtifactRecord`, with manifests) and used
 * (`UseArtifactRecord`), read in a pass that decodes only those records.
 *
 * @module
 */
import type {
  ArtifactRecord,
  ManifestEntry,
  UseArtifactRecord,
  WandbRecord,
} from './record_types.ts'
import type { RecordType } from './decode_record.ts'
import type { RunArtifactEntry } from '../source/run_reader.ts'
import { parseValueJson } from './history_record_row.ts'
import { segmentStream } from './segment_stream.ts'

/** An artifact the run logged, shaped after the API's `Artifact` where the log has the data. */
export interface LocalArtifact {
  /** Artifact name without version (the collection name). */
  name: string
  /** Artifact type such as `model`, `dataset` or `code`. */
  type: string
  /**
   * The version (`v3`) when an alias names it; null otherwise (the server assigns versions at
   * upload, so an offline run usually has none).
   */
  version: string | null
  /** Aliases as logged, such as `latest`. */
  aliases: string[]
  /** Artifact tags as logged. */
  tags: string[]
  /** The manifest digest. */
  digest: string
  /** The description, or '' when none was given. */
  description: string
  /** The parsed metadata JSON, or null when empty. */
  metadata: unknown
  /** Sum of the manifest entries' sizes in bytes, or null when the manifest is not in the log. */
  size: number | null
  /** Number of manifest entries, or null when the manifest is not in the log. */
  fileCount: number | null
  /** Entity named in the artifact record ('' when absent). */
  entity: string
  /** Project named in the artifact record ('' when absent). */
  project: string
  /** Id of the run that logged the artifact. */
  runId: string
  /** The SDK's client-side id of this artifact version. */
  clientId: string
  /** The SDK's client-side id of the artifact's sequence (its collection). */
  sequenceClientId: string
  /**
   * The manifest, or null when the record carried none: format version, storage policy name and
   * config (key to JSON text), and entries.
   */
  manifest: {
    version: number
    storagePolicy: string
    storagePolicyConfig: Record<string, string>
    entries: ManifestEntry[]
    /**
     * For huge manifests the writer stores entries in this gzipped JSONL file on the writing
     * machine instead of the log; entries are then empty here.
     */
    manifestFilePath: string
  } | null
}

/** An artifact the run used as an input. */
export interface UsedArtifact {
  /** The server id of the artifact, when the SDK knew it. */
  id: string
  /** The name as recorded (may include `entity/project/` and a `:version` or `:alias`). */
  name: string
  /** Artifact type as recorded. */
  type: string
  /** The part after the last `:` of the name, if any (`v3`, `latest`). */
  version: string | null
}

/** Converts an ArtifactRecord to a LocalArtifact. */
export function toLocalArtifact(a: ArtifactRecord): LocalArtifact {
  const m = a.manifest
  const external = m !== undefined && m.contents.length === 0 && m.manifestFilePath !== ''
  const size = m && !external ? m.contents.reduce((sum, e) => sum + e.size, 0) : null
  return {
    name: a.name,
    type: a.type,
    version: a.aliases.find((x) => /^v\d+$/.test(x)) ?? null,
    aliases: a.aliases,
    tags: a.tags,
    digest: a.digest,
    description: a.description,
    metadata: a.metadata ? parseValueJson(a.metadata) : null,
    size,
    fileCount: m && !external ? m.contents.length : null,
    entity: a.entity,
    project: a.project,
    runId: a.runId,
    clientId: a.clientId,
    sequenceClientId: a.sequenceClientId,
    manifest: m
      ? {
        version: m.version,
        storagePolicy: m.storagePolicy,
        storagePolicyConfig: m.storagePolicyConfig,
        entries: m.contents,
        manifestFilePath: m.manifestFilePath,
      }
      : null,
  }
}

/** Converts a UseArtifactRecord to a UsedArtifact. */
export function toUsedArtifact(u: UseArtifactRecord): UsedArtifact {
  const colon = u.name.lastIndexOf(':')
  return {
    id: u.id,
    name: u.name,
    type: u.type,
    version: colon >= 0 ? u.name.slice(colon + 1) : null,
  }
}

/** Reads the logged artifacts of the given files, in log order. */
export function readLoggedArtifacts(
  files: readonly string[],
  signal?: AbortSignal,
): Promise<LocalArtifact[]> {
  return readAll(
    files,
    'artifact',
    signal,
    (r) => r.type === 'artifact' ? toLocalArtifact(r.artifact) : undefined,
  )
}

/** Reads the used artifacts of the given files, in log order. */
export function readUsedArtifacts(
  files: readonly string[],
  signal?: AbortSignal,
): Promise<UsedArtifact[]> {
  return readAll(
    files,
    'use_artifact',
    signal,
    (r) => r.type === 'use_artifact' ? toUsedArtifact(r.useArtifact) : undefined,
  )
}

/** Reads every record of one type of the given files, in log order, each converted by `convert`. */
async function readAll<T>(
  files: readonly string[],
  type: RecordType,
  signal: AbortSignal | undefined,
  convert: (record: WandbRecord) => T | undefined,
): Promise<T[]> {
  const out: T[] = []
  const stream = segmentStream<T>(files, new Set([type]), () => ({
    take(records, batch) {
      for (const r of records) {
        const value = convert(r)
        if (value !== undefined) batch.push(value)
      }
    },
  }), { signal })
  for await (const batch of stream) out.push(...batch)
  return out
}

/** A logged artifact as every source lists a run's artifacts ('' entity or project as null). */
export function loggedArtifactEntry(a: LocalArtifact): RunArtifactEntry {
  return {
    name: a.name,
    type: a.type,
    version: a.version,
    aliases: a.aliases,
    tags: a.tags,
    digest: a.digest,
    size: a.size,
    fileCount: a.fileCount,
    description: a.description,
    metadata: a.metadata,
    entity: a.entity || null,
    project: a.project || null,
  }
}

/** A used artifact as every source lists a run's artifacts (the log names no more of it). */
export function usedArtifactEntry(u: UsedArtifact): RunArtifactEntry {
  return { name: u.name, type: u.type, version: u.version, id: u.id }
}
