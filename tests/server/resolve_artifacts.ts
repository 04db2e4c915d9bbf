/**
 * The artifact types: `Artifact`, `ArtifactSequence` (the `ArtifactCollection` interface),
 * `ArtifactCollectionMembership`, `ArtifactManifest`, and run artifact connections.
 *
 * @module
 */
import { jsonText } from './json_text.ts'
import { aliasesOf, versionByAlias } from './artifact_records.ts'
import { type Connection, type PageArgs, paginate } from './connection.ts'
import { nodeId } from './ids.ts'
import type { ArtifactCollectionRecord, ArtifactRecord } from './records.ts'
import type { ResolverContext } from './resolver_context.ts'
import { FileNode, listFiles } from './resolve_files.ts'
import { ProjectNode } from './resolve_project.ts'

/** Resolves an artifact version. */
export class ArtifactNode {
  #a: ArtifactRecord
  #ctx: ResolverContext

  /** Wraps an artifact record for one request. */
  constructor(artifact: ArtifactRecord, ctx: ResolverContext) {
    this.#a = artifact
    this.#ctx = ctx
  }

  /** Node ID. */
  get id(): string {
    return this.#a.id
  }
  /** The collection the version was logged to. */
  get artifactSequence(): CollectionNode {
    return new CollectionNode(this.#a.collection, this.#ctx)
  }
  /** Version index (`v<N>`); null while the version is PENDING. */
  get versionIndex(): number | null {
    return this.#a.state === 'PENDING' ? null : this.#a.versionIndex
  }
  /** Artifact type. */
  get artifactType(): { id: string; name: string } {
    return { id: nodeId('ArtifactType', this.#a.type), name: this.#a.type }
  }
  /** Description. */
  get description(): string | null {
    return this.#a.description
  }
  /** Metadata as JSON text. */
  get metadata(): string {
    return jsonText(this.#a.metadata)
  }
  /** -2: TTL disabled. */
  get ttlDurationSeconds(): number {
    return -2
  }
  /** Whether the TTL comes from the collection. */
  get ttlIsInherited(): boolean {
    return true
  }
  /** Tags. */
  get tags(): { id: string; name: string }[] {
    return this.#a.tags.map((name) => ({ id: nodeId('Tag', name), name }))
  }
  /** History step the version was logged at. */
  get historyStep(): number | null {
    return this.#a.historyStep
  }
  /** PENDING until committed (artifact_commit.ts), else COMMITTED. */
  get state(): string {
    return this.#a.state ?? 'COMMITTED'
  }
  /** Total bytes. */
  get size(): number {
    return this.#a.size
  }
  /** Manifest digest (hex). */
  get digest(): string {
    return this.#a.digest
  }
  /** Always MANIFEST_MD5. */
  get digestAlgorithm(): string {
    return 'MANIFEST_MD5'
  }
  /** A short hash identifying the version. */
  get commitHash(): string {
    return this.#a.commitHash
  }
  /** Number of files. */
  get fileCount(): number {
    return this.#a.files.length
  }
  /** Creation time. */
  get createdAt(): string {
    return this.#a.createdAt
  }
  /** Same as createdAt. */
  get updatedAt(): string {
    return this.#a.createdAt
  }
  /** Aliases, `latest` on the newest version. */
  get aliases(): { id: string; alias: string; artifactCollection: CollectionNode }[] {
    return aliasesOf(this.#a).map((alias) => ({
      id: nodeId('ArtifactAlias', this.#a.id, alias),
      alias,
      artifactCollection: new CollectionNode(this.#a.collection, this.#ctx),
    }))
  }
  /** The manifest, whose file is `wandb_manifest.json` on the files origin. */
  get currentManifest(): { id: string; file: FileNode } {
    return {
      id: nodeId('ArtifactManifest', this.#a.id),
      file: new FileNode(this.#a.manifest, this.#ctx),
    }
  }
  /** The version's files. */
  files(args: PageArgs & { names?: string[] | null }): Connection<FileNode> {
    return listFiles(this.#a.files, args, this.#ctx)
  }
}

/** Resolves an artifact collection (always an `ArtifactSequence`). */
export class CollectionNode {
  /** The concrete GraphQL type, for the `ArtifactCollection` interface. */
  readonly __typename = 'ArtifactSequence'
  #c: ArtifactCollectionRecord
  #ctx: ResolverContext

  /** Wraps a collection record for one request. */
  constructor(collection: ArtifactCollectionRecord, ctx: ResolverContext) {
    this.#c = collection
    this.#ctx = ctx
  }

  /** Node ID. */
  get id(): string {
    return this.#c.id
  }
  /** Name. */
  get name(): string {
    return this.#c.name
  }
  /** No description. */
  get description(): null {
    return null
  }
  /** Creation time. */
  get createdAt(): string {
    return this.#c.createdAt
  }
  /** The owning project. */
  get project(): ProjectNode {
    return new ProjectNode(this.#c.project, this.#ctx)
  }
  /** Always MANIFEST_MD5 (what FetchArtifactDigestAlgorithm asks). */
  get digestAlgorithm(): string {
    return 'MANIFEST_MD5'
  }
  /** The newest version. */
  get latestArtifact(): ArtifactNode | null {
    const v = this.#c.versions[this.#c.versions.length - 1]
    return v ? new ArtifactNode(v, this.#ctx) : null
  }
  /** The version an alias (`latest`, `v0`, custom) points at. */
  artifactMembership(args: { aliasName?: string | null }): MembershipNode | null {
    const version = versionByAlias(this.#c, args.aliasName ?? 'latest')
    return version ? new MembershipNode(version, this.#ctx) : null
  }
}

/** Resolves an artifact's membership in its collection. */
export class MembershipNode {
  #a: ArtifactRecord
  #ctx: ResolverContext

  /** Wraps a version for one request. */
  constructor(artifact: ArtifactRecord, ctx: ResolverContext) {
    this.#a = artifact
    this.#ctx = ctx
  }

  /** Node ID. */
  get id(): string {
    return nodeId('ArtifactCollectionMembership', this.#a.id)
  }
  /** Version index. */
  get versionIndex(): number {
    return this.#a.versionIndex
  }
  /** The version. */
  get artifact(): ArtifactNode {
    return new ArtifactNode(this.#a, this.#ctx)
  }
  /** When the version joined the collection. */
  get createdAt(): string {
    return this.#a.createdAt
  }
  /** The version's aliases in this collection, `latest` included. */
  get aliases(): { id: string; alias: string; artifactCollection: CollectionNode }[] {
    return new ArtifactNode(this.#a, this.#ctx).aliases
  }
  /** The collection. */
  get artifactCollection(): CollectionNode {
    return new CollectionNode(this.#a.collection, this.#ctx)
  }
  /** The version's files. */
  files(args: PageArgs & { names?: string[] | null }): Connection<FileNode> {
    return listFiles(this.#a.files, args, this.#ctx)
  }
}

/** Pages over a run's logged or used artifacts in the order they were added. */
export function artifactConnection(
  artifacts: ArtifactRecord[],
  args: PageArgs,
  ctx: ResolverContext,
): Connection<ArtifactNode> {
  const indexed = artifacts.map((a, i) => ({ a, i }))
  const page = paginate(indexed, args, (x) => x.i, (a, b) => a - b)
  return {
    ...page,
    edges: page.edges.map((e) => ({ node: new ArtifactNode(e.node.a, ctx), cursor: e.cursor })),
  }
}
