/**
 * Decodes `ArtifactRecord` (with its manifest) and `UseArtifactRecord` bodies.
 *
 * @module
 */
import { readKeyValue, sub } from './decode_items.ts'
import type { ProtoReader } from './protobuf_reader.ts'
import type { ArtifactRecord, ManifestEntry, UseArtifactRecord } from './record_types.ts'

/** Decodes an ArtifactRecord body with its manifest. */
export function decodeArtifact(r: ProtoReader): ArtifactRecord {
  const a: ArtifactRecord = {
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
  }
  while (r.pos < r.end) {
    const tag = r.tag()
    switch (tag) {
      case 0x0a:
        a.runId = r.string()
        break
      case 0x12:
        a.project = r.string()
        break
      case 0x1a:
        a.entity = r.string()
        break
      case 0x22:
        a.type = r.string()
        break
      case 0x2a:
        a.name = r.string()
        break
      case 0x32:
        a.digest = r.string()
        break
      case 0x3a:
        a.description = r.string()
        break
      case 0x42:
        a.metadata = r.string()
        break
      case 0x48:
        a.userCreated = r.bool()
        break
      case 0x50:
        a.useAfterCommit = r.bool()
        break
      case 0x5a:
        a.aliases.push(r.string())
        break
      case 0x62:
        a.manifest = sub(r, readManifest)
        break
      case 0x6a:
        a.distributedId = r.string()
        break
      case 0x70:
        a.finalize = r.bool()
        break
      case 0x7a:
        a.clientId = r.string()
        break
      case 0x82:
        a.sequenceClientId = r.string()
        break
      case 0x8a:
        a.baseId = r.string()
        break
      case 0x90:
        a.ttlDurationSeconds = r.int64()
        break
      case 0x9a:
        a.tags.push(r.string())
        break
      case 0xa2:
        a.digestAlgorithm = r.string()
        break
      default:
        r.skip(tag & 7)
    }
  }
  return a
}

/** Reads an ArtifactManifest body. */
function readManifest(r: ProtoReader): NonNullable<ArtifactRecord['manifest']> {
  const m: NonNullable<ArtifactRecord['manifest']> = {
    version: 0,
    storagePolicy: '',
    storagePolicyConfig: {},
    contents: [],
    manifestFilePath: '',
  }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x08) m.version = r.int32()
    else if (tag === 0x12) m.storagePolicy = r.string()
    else if (tag === 0x1a) readKeyValue(r, m.storagePolicyConfig)
    else if (tag === 0x22) m.contents.push(sub(r, readManifestEntry))
    else if (tag === 0x2a) m.manifestFilePath = r.string()
    else r.skip(tag & 7)
  }
  return m
}

/** Reads an ArtifactManifestEntry body. */
function readManifestEntry(r: ProtoReader): ManifestEntry {
  const e: ManifestEntry = {
    path: '',
    digest: '',
    ref: '',
    size: 0,
    mimetype: '',
    localPath: '',
    birthArtifactId: '',
    extra: {},
  }
  while (r.pos < r.end) {
    const tag = r.tag()
    switch (tag) {
      case 0x0a:
        e.path = r.string()
        break
      case 0x12:
        e.digest = r.string()
        break
      case 0x1a:
        e.ref = r.string()
        break
      case 0x20:
        e.size = r.int64()
        break
      case 0x2a:
        e.mimetype = r.string()
        break
      case 0x32:
        e.localPath = r.string()
        break
      case 0x3a:
        e.birthArtifactId = r.string()
        break
      case 0x82:
        readKeyValue(r, e.extra)
        break
      default:
        r.skip(tag & 7)
    }
  }
  return e
}

/** Decodes a UseArtifactRecord body. */
export function decodeUseArtifact(r: ProtoReader): UseArtifactRecord {
  const u = { id: '', type: '', name: '' }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) u.id = r.string()
    else if (tag === 0x12) u.type = r.string()
    else if (tag === 0x1a) u.name = r.string()
    else r.skip(tag & 7)
  }
  return u
}
