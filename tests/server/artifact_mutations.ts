/**
 * The artifact lineage mutations: `useArtifact` (a run used a version) and `createArtifact` (a
 * run logged a version: the existing version with the same digest, or a new PENDING one that
 * `artifact_commit.ts` commits).
 *
 * @module
 */
import { BadRequestError } from './ids.ts'
import type { RunRecord } from './records.ts'
import type { ResolverContext } from './resolver_context.ts'
import { ArtifactNode } from './resolve_artifacts.ts'
import { type CreateArtifactInput, createPendingArtifact, moveAlias } from './artifact_commit.ts'
import { checkEntityWritable, writableRun, WriteRefusedError } from './write_access.ts'

/** How each run used an artifact (`usedAs`), by run and artifact ID. */
const usedAsByRun = new WeakMap<RunRecord, Map<string, string | null>>()

/** The `usedAs` names `useArtifact` recorded for a run, by artifact ID (for tests). */
export function usedAsOf(run: RunRecord): ReadonlyMap<string, string | null> {
  return usedAsByRun.get(run) ?? new Map()
}

/** The `useArtifact` and `createArtifact` fields of the mutation root. */
export const artifactMutations = {
  /** Records that a run used an artifact version. */
  useArtifact(
    args: {
      input: {
        entityName: string
        projectName: string
        runName: string
        artifactID: string
        usedAs?: string | null
        artifactEntityName?: string | null
        artifactProjectName?: string | null
      }
    },
    ctx: ResolverContext,
  ): { artifact: ArtifactNode } {
    const i = args.input
    const run = writableRun(ctx, i.entityName, i.projectName, i.runName, 'useArtifact')
    const artifact = ctx.store.artifacts.get(i.artifactID)
    const project = artifact?.collection.project
    if (
      !artifact ||
      (i.artifactEntityName != null && i.artifactEntityName !== project!.entity) ||
      (i.artifactProjectName != null && i.artifactProjectName !== project!.name)
    ) {
      throw new WriteRefusedError(`artifact ${i.artifactID} not found`, 404)
    }
    if (!run.usedArtifacts.includes(artifact)) run.usedArtifacts.push(artifact)
    const used = usedAsByRun.get(run) ?? new Map()
    used.set(artifact.id, i.usedAs ?? null)
    usedAsByRun.set(run, used)
    return { artifact: new ArtifactNode(artifact, ctx) }
  },

  /**
   * Creates an artifact version from a digest. With the digest of a committed version of the
   * collection (the public API's `log_artifact`, or wandb-core's deduplication) that version is
   * reused: the run logs it and gets the aliases and tags. New content makes a PENDING version
   * that `artifact_commit.ts` fills and commits.
   */
  createArtifact(
    args: { input: CreateArtifactInput },
    ctx: ResolverContext,
  ): { artifact: ArtifactNode } {
    const i = args.input
    checkEntityWritable(ctx, i.entityName, 'createArtifact')
    const run = i.runName
      ? writableRun(ctx, i.entityName, i.projectName, i.runName, 'createArtifact')
      : undefined
    const name = i.artifactCollectionName ?? i.artifactCollectionNames?.[0]
    if (!name) throw new BadRequestError('createArtifact needs an artifactCollectionName')
    const collection = ctx.store.project(i.entityName, i.projectName)?.collections.get(name)
    const artifact = collection?.versions.find((v) => v.digest === i.digest)
    if (!collection || !artifact) {
      return { artifact: new ArtifactNode(createPendingArtifact(ctx, i, name), ctx) }
    }
    if (collection.type !== i.artifactTypeName) {
      throw new Error(
        `artifact type mismatch: ${name} is a ${collection.type}, not a ${i.artifactTypeName}`,
      )
    }
    for (const { artifactCollectionName, alias } of i.aliases ?? []) {
      if (artifactCollectionName !== collection.name) {
        throw new BadRequestError(`invalid alias ${JSON.stringify(alias)} for ${collection.name}`)
      }
      moveAlias(artifact, alias)
    }
    for (const { tagName } of i.tags ?? []) {
      if (!artifact.tags.includes(tagName)) artifact.tags.push(tagName)
    }
    if (run && !run.loggedArtifacts.includes(artifact)) run.loggedArtifacts.push(artifact)
    return { artifact: new ArtifactNode(artifact, ctx) }
  },
}
