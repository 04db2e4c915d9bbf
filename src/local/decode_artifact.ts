/**
 * Decodes `ArtifactRecord` (with its manifest) and `UseArtifactRecord` bodies.
 *
 * @module
 */
import { readKeyValue } from './decode_items.ts'
import {
  bytesField,
  fieldTable,
  flag,
  int32,
  int64,
  message,
  messages,
  readFields,
  text,
  texts,
} from './decode_fields.ts'
import type { ProtoReader } from './protobuf_reader.ts'
import type { ArtifactRecord, ManifestEntry, UseArtifactRecord } from './record_types.ts'

type Manifest = NonNullable<ArtifactRecord['manifest']>

/** `ArtifactManifestEntry` fields; `extra` is a list of `{key, value_json}` entries. */
const MANIFEST_ENTRY = fieldTable<ManifestEntry>({
  1: text('path'),
  2: text('digest'),
  3: text('ref'),
  4: int64('size'),
  5: text('mimetype'),
  6: text('localPath'),
  7: text('birthArtifactId'),
  16: bytesField((r, e) => readKeyValue(r, e.extra)),
})

/** `ArtifactManifest` fields; `storage_policy_config` is a list of `{key, value_json}` entries. */
const MANIFEST = fieldTable<Manifest>({
  1: int32('version'),
  2: text('storagePolicy'),
  3: bytesField((r, m) => readKeyValue(r, m.storagePolicyConfig)),
  4: messages('contents', readManifestEntry),
  5: text('manifestFilePath'),
})

/** `ArtifactRecord` fields (wandb_internal.proto). */
const ARTIFACT = fieldTable<ArtifactRecord>({
  1: text('runId'),
  2: text('project'),
  3: text('entity'),
  4: text('type'),
  5: text('name'),
  6: text('digest'),
  7: text('description'),
  8: text('metadata'),
  9: flag('userCreated'),
  10: flag('useAfterCommit'),
  11: texts('aliases'),
  12: message('manifest', readManifest),
  13: text('distributedId'),
  14: flag('finalize'),
  15: text('clientId'),
  16: text('sequenceClientId'),
  17: text('baseId'),
  18: int64('ttlDurationSeconds'),
  19: texts('tags'),
  20: text('digestAlgorithm'),
})

/** `UseArtifactRecord` fields. */
const USE_ARTIFACT = fieldTable<UseArtifactRecord>({
  1: text('id'),
  2: text('type'),
  3: text('name'),
})

/** Decodes an ArtifactRecord body with its manifest. */
export function decodeArtifact(r: ProtoReader): ArtifactRecord {
  return readFields(r, ARTIFACT, {
    runId: '',
    project: '',
    entity: '',
    type: '',
    name: '',
    digest: '',
    description: '',
    metadata: '',
    userCreated: false,
    useAfterCommit: false,
    aliases: [],
    tags: [],
    distributedId: '',
    finalize: false,
    clientId: '',
    sequenceClientId: '',
    baseId: '',
    ttlDurationSeconds: 0,
  })
}

/** Reads an ArtifactManifest body. */
function readManifest(r: ProtoReader): Manifest {
  return readFields(r, MANIFEST, {
    version: 0,
    storagePolicy: '',
    storagePolicyConfig: {},
    contents: [],
    manifestFilePath: '',
  })
}

/** Reads an ArtifactManifestEntry body. */
function readManifestEntry(r: ProtoReader): ManifestEntry {
  return readFields(r, MANIFEST_ENTRY, {
    path: '',
    digest: '',
    ref: '',
    size: 0,
    mimetype: '',
    localPath: '',
    birthArtifactId: '',
    extra: {},
  })
}

/** Decodes a UseArtifactRecord body. */
export function decodeUseArtifact(r: ProtoReader): UseArtifactRecord {
  return readFields(r, USE_ARTIFACT, { id: '', type: '', name: '' })
}
