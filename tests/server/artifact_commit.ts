/**
 * Logging new artifact content the way wandb-core 0.31 does it: `createArtifact` makes a PENDING
 * version (or returns the committed version of the collection with the same digest),
 * `createArtifactManifest`/`updateArtifactManifest` hand out a signed PUT for
 * `wandb_manifest.json`, `createArtifactFiles` hands out one signed PUT per file whose content the
 * store does not hold yet (`uploadUrl: null` otherwise), and `commitArtifact` checks the uploaded
 * manifest against the digest, gives the version its index (`v0`, `v1`, … per collection), moves
 * its aliases and adds it to the logging run's output artifacts.
 *
 * @module
 */
import { manifestDigest } from './artifact_records.ts'
import { BadRequestError, md5Base64, md5Hex, nodeId, wandbTime } from './ids.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import type {
  ArtifactCollectionRecord,
  ArtifactRecord,
  ProjectRecord,
  RunRecord,
  StoredFile,
} from './records.ts'
import type { ResolverContext } from './resolver_context.ts'
import { ArtifactNode } from './resolve_artifacts.ts'
import { makeStoredFile } from './stored_file.ts'
import { pendingUploads, UPLOAD_TOKEN_HEADER } from './upload_origin.ts'
import { checkEntityWritable, writableRun, WriteRefusedError } from './write_access.ts'

/** What a PENDING version carries until `commitArtifact`. */
interface PendingState {
  /** The run that created it (null for a run-less `createArtifact`). */
  run: RunRecord | null
  /** Aliases asked for at creation (`latest` left out: it is computed). */
  aliases: string[]
  /** The uploaded manifest JSON, once its PUT completed. */
  manifest?: Uint8Array
}

const pendingByStore = new WeakMap<object, Map<string, PendingState>>()
let seq = 0

/** The pending versions of a store, by artifact ID. */
function pendingOf(ctx: ResolverContext): Map<string, PendingState> {
  let map = pendingByStore.get(ctx.store)
  if (!map) {
    map = new Map()
    pendingByStore.set(ctx.store, map)
  }
  return map
}

/** `createArtifact` input fields this server reads (others are accepted and ignored). */
export interface CreateArtifactInput {
  artifactTypeName: string
  artifactCollectionName?: string | null
  artifactCollectionNames?: string[] | null
  entityName: string
  projectName: string
  runName?: string | null
  description?: string | null
  digest: string
  aliases?: { artifactCollectionName: string; alias: string }[] | null
  metadata?: string | null
  historyStep?: number | null
  tags?: { tagName: string }[] | null
}

/** The collection `name` of a project, created (empty, of `type`) when missing. */
function collectionFor(
  project: ProjectRecord,
  name: string,
  type: string,
  now: string,
): ArtifactCollectionRecord {
  const found = project.collections.get(name)
  if (found) {
    if (found.type !== type) {
      throw new Error(`artifact type mismatch: ${name} is a ${found.type}, not a ${type}`)
    }
    return found
  }
  const created: ArtifactCollectionRecord = {
    id: nodeId('ArtifactCollection', project.internalId, name),
    name,
    type,
    project,
    createdAt: now,
    versions: [],
  }
  project.collections.set(name, created)
  return created
}

/** Parses the `metadata` JSONString of `createArtifact` (an object, or nothing). */
function metadataOf(text: string | null | undefined): Record<string, unknown> {
  if (text == null || text === '') return {}
  const value = parseJson(text)
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError('invalid metadata: expected a JSON object')
  }
  return value as Record<string, unknown>
}

/** Moves `alias` within a collection to `artifact` (custom aliases only). */
export function moveAlias(artifact: ArtifactRecord, alias: string): void {
  if (alias === 'latest' || /^v\d+$/.test(alias)) return
  for (const v of artifact.collection.versions) v.aliases = v.aliases.filter((a) => a !== alias)
  if (!artifact.aliases.includes(alias)) artifact.aliases.push(alias)
}

/**
 * `createArtifact` for new content: a PENDING version with no index, files or manifest yet. The
 * caller handles a digest that matches a committed version (deduplication) before this.
 */
export function createPendingArtifact(
  ctx: ResolverContext,
  input: CreateArtifactInput,
  name: string,
): ArtifactRecord {
  checkEntityWritable(ctx, input.entityName, 'createArtifact')
  const run = input.runName
    ? writableRun(ctx, input.entityName, input.projectName, input.runName, 'createArtifact')
    : null
  const now = wandbTime(Date.now())
  const project = ctx.store.ensureProject(input.entityName, input.projectName)
  const collection = collectionFor(project, name, input.artifactTypeName, now)
  for (const { artifactCollectionName, alias } of input.aliases ?? []) {
    if (artifactCollectionName !== name || alias.trim() === '') {
      throw new BadRequestError(`invalid alias ${JSON.stringify(alias)} for ${name}`)
    }
  }
  const id = nodeId('Artifact', 'logged', ++seq)
  const empty = makeStoredFile('wandb_manifest.json', new Uint8Array(0), {
    idParts: ['File', 'manifest', 'logged', seq],
    updatedAt: now,
    storagePath: `/wandb-artifacts/manifests/logged-${seq}/wandb_manifest.json`,
  })
  const record: ArtifactRecord = {
    id,
    collection,
    versionIndex: -1,
    type: collection.type,
    description: input.description ?? null,
    metadata: metadataOf(input.metadata),
    aliases: [],
    tags: (input.tags ?? []).map((t) => t.tagName),
    historyStep: input.historyStep ?? null,
    createdAt: now,
    digest: input.digest,
    commitHash: md5Hex(new TextEncoder().encode(id)).slice(0, 12),
    size: 0,
    files: [],
    manifest: empty,
    state: 'PENDING',
  }
  ctx.store.artifacts.set(id, record)
  pendingOf(ctx).set(id, {
    run,
    aliases: (input.aliases ?? []).map((a) => a.alias).filter((a) => a !== 'latest'),
  })
  return record
}

/** The PENDING version with this ID, or a 404/400 refusal naming the mutation. */
function pendingArtifact(
  ctx: ResolverContext,
  id: string,
  mutation: string,
): [ArtifactRecord, PendingState] {
  const artifact = ctx.store.artifacts.get(id)
  if (!artifact) throw new WriteRefusedError(`${mutation}: artifact ${id} not found`, 404)
  const state = pendingOf(ctx).get(id)
  if (!state || artifact.state !== 'PENDING') {
    throw new BadRequestError(`${mutation}: artifact ${id} is already committed`)
  }
  return [artifact, state]
}

/** Registers a signed PUT whose body `accept` stores; returns the URL and upload headers. */
function signedPut(
  ctx: ResolverContext,
  key: string,
  accept: (bytes: Uint8Array) => void,
): { uploadUrl: string; uploadHeaders: string[] } {
  const path = `/wandb-artifact-uploads/${++seq}/${key}`
  const token = md5Hex(new TextEncoder().encode(`${path}\n${seq}\nartifact`))
  pendingUploads(ctx.store).set(path, { run: null, name: key, token, onUpload: accept })
  return { uploadUrl: ctx.signer.sign(path), uploadHeaders: [`${UPLOAD_TOKEN_HEADER}:${token}`] }
}

/** The manifest file node `createArtifactManifest` and `updateArtifactManifest` answer. */
function manifestUpload(
  ctx: ResolverContext,
  artifact: ArtifactRecord,
  state: PendingState,
): { artifactManifest: { id: string; file: Record<string, unknown> } } {
  const put = signedPut(ctx, `${encodeURIComponent(artifact.id)}/wandb_manifest.json`, (bytes) => {
    state.manifest = bytes
  })
  return {
    artifactManifest: {
      id: nodeId('ArtifactManifest', artifact.id),
      file: { id: artifact.manifest.id, name: 'wandb_manifest.json', ...put },
    },
  }
}

/** One `createArtifactFiles` file spec. */
export interface ArtifactFileSpec {
  artifactID: string
  name: string
  md5: string
  mimetype?: string | null
}

/** The mutations of the artifact-logging flow (merged into the mutation root). */
export const artifactCommitMutations = {
  /** A signed PUT for the manifest of a PENDING version. */
  createArtifactManifest(
    args: { input: { artifactID: string; name: string; digest: string } },
    ctx: ResolverContext,
  ): { artifactManifest: { id: string; file: Record<string, unknown> } } {
    const [artifact, state] = pendingArtifact(ctx, args.input.artifactID, 'createArtifactManifest')
    if (args.input.name !== 'wandb_manifest.json') {
      throw new BadRequestError(`invalid manifest name ${JSON.stringify(args.input.name)}`)
    }
    return manifestUpload(ctx, artifact, state)
  },

  /** A fresh signed PUT for the manifest (wandb-core re-uploads it after the files). */
  updateArtifactManifest(
    args: { input: { artifactManifestID: string; digest?: string | null } },
    ctx: ResolverContext,
  ): { artifactManifest: { id: string; file: Record<string, unknown> } } {
    const artifact = [...ctx.store.artifacts.values()].find(
      (a) => nodeId('ArtifactManifest', a.id) === args.input.artifactManifestID,
    )
    if (!artifact) {
      throw new WriteRefusedError(`manifest ${args.input.artifactManifestID} not found`, 404)
    }
    const [, state] = pendingArtifact(ctx, artifact.id, 'updateArtifactManifest')
    return manifestUpload(ctx, artifact, state)
  },

  /**
   * Signed PUTs for a PENDING version's files; a file whose content the store already holds
   * answers `uploadUrl: null` (W&B deduplicates by MD5 the same way).
   */
  createArtifactFiles(
    args: { input: { artifactFiles: ArtifactFileSpec[] } },
    ctx: ResolverContext,
  ): { files: { edges: { node: Record<string, unknown> }[] } } {
    const edges = args.input.artifactFiles.map((spec) => {
      const [artifact] = pendingArtifact(ctx, spec.artifactID, 'createArtifactFiles')
      const hex = hexOfMd5(spec.md5)
      const storagePath = `/wandb-artifacts/${hex}`
      const stored = ctx.store.objects.has(storagePath)
      const put = stored ? { uploadUrl: null, uploadHeaders: [] } : signedPut(
        ctx,
        hex,
        (bytes) => {
          if (md5Base64(bytes) !== spec.md5) {
            throw new BadRequestError(`BadDigest: the body of ${spec.name} is not ${spec.md5}`)
          }
          const file = makeStoredFile(spec.name, bytes, {
            idParts: ['File', 'object', hex],
            updatedAt: wandbTime(Date.now()),
            storagePath,
          })
          ctx.store.objects.set(storagePath, file)
        },
      )
      return {
        node: {
          storagePath: storagePath.slice(1),
          ...put,
          uploadMultipartUrls: null,
          artifact: { id: artifact.id },
        },
      }
    })
    return { files: { edges } }
  },

  /**
   * Commits a PENDING version: its uploaded manifest must list files whose content was uploaded
   * and hash to the version's digest; the version then gets the next index of its collection,
   * `latest`, its aliases, and joins the creating run's output artifacts.
   */
  commitArtifact(
    args: { input: { artifactID: string } },
    ctx: ResolverContext,
  ): { artifact: ArtifactNode } {
    const [artifact, state] = pendingArtifact(ctx, args.input.artifactID, 'commitArtifact')
    if (!state.manifest) {
      throw new BadRequestError(`commitArtifact: artifact ${artifact.id} has no uploaded manifest`)
    }
    const entries = manifestEntries(state.manifest)
    const digest = manifestDigest(entries.map((e) => [e.path, e.digest]))
    if (digest !== artifact.digest) {
      throw new BadRequestError(
        `commitArtifact: the manifest hashes to ${digest}, not the artifact digest ${artifact.digest}`,
      )
    }
    artifact.files = entries.map((e) => versionFile(ctx, artifact, e))
    artifact.size = entries.reduce((n, e) => n + e.size, 0)
    artifact.manifest = makeStoredFile('wandb_manifest.json', state.manifest, {
      idParts: ['File', 'manifest', artifact.id],
      updatedAt: artifact.createdAt,
      storagePath: artifact.manifest.storagePath,
    })
    ctx.store.objects.set(artifact.manifest.storagePath, artifact.manifest)
    const versions = artifact.collection.versions
    artifact.versionIndex = versions.length
    artifact.state = 'COMMITTED'
    versions.push(artifact)
    for (const alias of state.aliases) moveAlias(artifact, alias)
    if (state.run && !state.run.loggedArtifacts.includes(artifact)) {
      state.run.loggedArtifacts.push(artifact)
    }
    pendingOf(ctx).delete(artifact.id)
    return { artifact: new ArtifactNode(artifact, ctx) }
  },
}

/** A manifest entry this server stores: path, base64 MD5 digest, size. */
interface ManifestEntry {
  path: string
  digest: string
  size: number
  ref?: string
}

/** Reads the entries of an uploaded `wandb_manifest.json` (version 1). */
function manifestEntries(bytes: Uint8Array): ManifestEntry[] {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(bytes))
  } catch (err) {
    throw new BadRequestError(`commitArtifact: the manifest is not JSON: ${(err as Error).message}`)
  }
  const m = json as { version?: unknown; contents?: Record<string, Record<string, unknown>> }
  if (m.version !== 1 || typeof m.contents !== 'object' || m.contents === null) {
    throw new BadRequestError('commitArtifact: expected a version 1 manifest with contents')
  }
  return Object.entries(m.contents).map(([path, e]) => ({
    path,
    digest: String(e.digest),
    size: Number(e.size ?? 0),
    ref: typeof e.ref === 'string' ? e.ref : undefined,
  }))
}

/** The stored file of one manifest entry, which must have been uploaded (or already stored). */
function versionFile(ctx: ResolverContext, artifact: ArtifactRecord, e: ManifestEntry): StoredFile {
  if (e.ref) {
    throw new BadRequestError(`commitArtifact: reference entries (${e.path}) are not modelled`)
  }
  const hex = hexOfMd5(e.digest)
  const object = ctx.store.objects.get(`/wandb-artifacts/${hex}`)
  if (!object) {
    throw new BadRequestError(`commitArtifact: ${e.path} (${e.digest}) was never uploaded`)
  }
  const p = artifact.collection.project
  return makeStoredFile(e.path, object.bytes, {
    idParts: ['File', 'artifact', artifact.id, e.path],
    updatedAt: artifact.createdAt,
    storagePath: object.storagePath,
    apiPath: `/artifactsV2/default/${
      [p.entity, p.name, artifact.collection.name, artifact.id, hex, e.path.split('/').pop()!]
        .map(encodeURIComponent).join('/')
    }`,
  })
}

/** Hex form of a base64 MD5 digest (400 when it is not one). */
function hexOfMd5(b64: string): string {
  let bytes: Uint8Array
  try {
    bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
  } catch {
    bytes = new Uint8Array(0)
  }
  if (bytes.length !== 16) throw new BadRequestError(`invalid md5 ${JSON.stringify(b64)}`)
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}
