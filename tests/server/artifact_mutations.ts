/**
 * The artifact lineage mutations: `useArtifact` (a run used a version) and `createArtifact` (a
 * run logged a version, reusing the existing version with the same digest).
 *
 * @module
 */
import { BadRequestError } from './ids.ts'
import type { RunRecord } from './records.ts'
import type { ResolverContext } from './resolver_context.ts'
import { ArtifactNode } from './resolve_artifacts.ts'
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
   * Creates an artifact version from a digest; with the digest of an existing version of the
   * collection (what the public API sends) that version is reused: the run logs it and gets the
   * aliases and tags. New content would need a manifest upload, which this server does not model.
   */
  createArtifact(
    args: {
      input: {
        artifactTypeName: string
        artifactCollectionNames?: string[] | null
        entityName: string
        projectName: string
        runName?: string | null
        digest: string
        aliases?: { artifactCollectionName: string; alias: string }[] | null
        tags?: { tagName: string }[] | null
      }
    },
    ctx: ResolverContext,
  ): { artifact: ArtifactNode } {
    const i = args.input
    checkEntityWritable(ctx, i.entityName, 'createArtifact')
    const run = i.runName
      ? writableRun(ctx, i.entityName, i.projectName, i.runName, 'createArtifact')
      : undefined
    const name = i.artifactCollectionNames?.[0]
    const collection = name
      ? ctx.store.project(i.entityName, i.projectName)?.collections.get(name)
      : undefined
    const artifact = collection?.versions.find((v) => v.digest === i.digest)
    if (!collection || !artifact) {
      throw new BadRequestError(
        `createArtifact: no version of ${name} with digest ${i.digest}; this test server only reuses existing versions`,
      )
    }
    if (collection.type !== i.artifactTypeName) {
      throw new Error(
        `artifact type mismatch: ${name} is a ${collection.type}, not a ${i.artifactTypeName}`,
      )
    }
    for (const { artifactCollectionName, alias } of i.aliases ?? []) {
      if (
        artifactCollectionName !== collection.name || alias === 'latest' || /^v\d+$/.test(alias)
      ) {
        throw new BadRequestError(`invalid alias ${JSON.stringify(alias)} for ${collection.name}`)
      }
      for (const v of collection.versions) v.aliases = v.aliases.filter((a) => a !== alias)
      artifact.aliases.push(alias)
    }
    for (const { tagName } of i.tags ?? []) {
      if (!artifact.tags.includes(tagName)) artifact.tags.push(tagName)
    }
    if (run && !run.loggedArtifacts.includes(artifact)) run.loggedArtifacts.push(artifact)
    return { artifact: new ArtifactNode(artifact, ctx) }
  },
}
