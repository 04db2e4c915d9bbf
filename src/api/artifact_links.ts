/**
 * Artifact lineage from the public API: recording that a run used an artifact (`UseArtifact`)
 * or logged one (`CreateArtifact` with the artifact's digest, which W&B deduplicates to the
 * existing version). Unlike SDK releases before 0.31, aliases and tags go out as the input
 * objects the schema declares (`{artifactCollectionName, alias}`, `{tagName}`).
 *
 * @module
 */
import { Artifact } from './artifact.ts'
import { CREATE_ARTIFACT_MUTATION, useArtifactMutation } from './queries.ts'
import { serverFeatureEnabled } from './server_features.ts'
import type { GraphqlTransport } from './transport.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** The run an artifact link is recorded for. */
export interface ArtifactLinkTarget {
  readonly entity: string
  readonly project: string
  readonly id: string
  readonly runPath: string
}

/** Options of `run.useArtifact()`. */
export interface UseArtifactOptions {
  /** How the run uses it (the SDK's `use_as`). @default the artifact's name, e.g. `ds:v0` */
  useAs?: string
  /** Cancels the request. */
  signal?: AbortSignal
}

/** Options of `run.logArtifact()`. */
export interface LogArtifactOptions {
  /** Aliases to add in the artifact's collection, e.g. `['best']`. @default [] */
  aliases?: string[]
  /** Tags to add. @default [] */
  tags?: string[]
  /** Cancels the request. */
  signal?: AbortSignal
}

/** Throws a TypeError unless `artifact` is an `Artifact` read from the server. */
function checkArtifact(artifact: unknown, method: string): asserts artifact is Artifact {
  if (!(artifact instanceof Artifact) || !artifact.id) {
    throw new TypeError(
      `Cannot ${method}: pass an Artifact read from the server (run.loggedArtifacts() or run.usedArtifacts()), got ${
        artifact === null ? 'null' : typeof artifact
      }`,
    )
  }
}

/** Throws a TypeError unless `list` is an array of non-empty strings. */
function checkStrings(list: unknown, what: string): string[] {
  if (list === undefined) return []
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new TypeError(`Cannot log the artifact: ${what} must be an array of non-empty strings`)
  }
  return list as string[]
}

/**
 * Records that the run used `artifact` (`UseArtifact`, sdk/artifacts/_gqlutils.py
 * `record_artifact_use`); the artifact's entity and project go along when the server has the
 * `USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION` feature.
 */
export async function recordArtifactUse(
  transport: GraphqlTransport,
  run: ArtifactLinkTarget,
  artifact: Artifact,
  options: UseArtifactOptions = {},
): Promise<void> {
  checkArtifact(artifact, 'use the artifact')
  if (options.useAs !== undefined && (typeof options.useAs !== 'string' || options.useAs === '')) {
    throw new TypeError('Cannot use the artifact: useAs must be a non-empty string')
  }
  const artifactProject = await serverFeatureEnabled(
    transport,
    'USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION',
    options.signal,
  )
  const variables: Record<string, unknown> = {
    entityName: run.entity,
    projectName: run.project,
    runName: run.id,
    artifactID: artifact.id,
    usedAs: options.useAs ?? artifact.name,
  }
  if (artifactProject) {
    variables.artifactEntityName = artifact.entity
    variables.artifactProjectName = artifact.project
  }
  const data = await transport.request(
    useArtifactMutation({ usedAs: true, artifactProject }),
    variables,
    { signal: options.signal, runPath: run.runPath },
  ) as { useArtifact?: { artifact?: { id?: unknown } | null } | null } | null
  if (!data?.useArtifact?.artifact?.id) {
    throw new WandbApiError(
      `UseArtifact for ${run.runPath} returned no artifact; the link to ${artifact.name} may not be saved`,
      { code: 'bad-response', status: 200, operation: 'UseArtifact', runPath: run.runPath },
    )
  }
}

/**
 * Records that the run logged `artifact`, an existing version of the run's own project
 * (`CreateArtifact` with its digest; sdk/artifacts/_gqlutils.py `create_artifact_version`), adding
 * `aliases` and `tags`. A different project is a RangeError, as in the SDK.
 */
export async function recordArtifactLog(
  transport: GraphqlTransport,
  run: ArtifactLinkTarget,
  artifact: Artifact,
  options: LogArtifactOptions = {},
): Promise<void> {
  checkArtifact(artifact, 'log the artifact')
  const aliases = checkStrings(options.aliases, 'aliases')
  const tags = checkStrings(options.tags, 'tags')
  if (artifact.entity !== run.entity || artifact.project !== run.project) {
    throw new RangeError(
      `Cannot log artifact ${artifact.entity}/${artifact.project}/${artifact.name} from run ${run.runPath}: a run can only log artifacts of its own project`,
    )
  }
  if (!artifact.digest) {
    throw new TypeError(`Cannot log artifact ${artifact.name}: it has no digest (not committed?)`)
  }
  const collection = artifact.collection
  const data = await transport.request(CREATE_ARTIFACT_MUTATION, {
    entityName: run.entity,
    projectName: run.project,
    runName: run.id,
    artifactTypeName: artifact.type,
    artifactCollectionNames: [collection],
    clientID: null,
    sequenceClientID: null,
    digest: artifact.digest,
    digestAlgorithm: 'MANIFEST_MD5',
    description: null,
    aliases: aliases.map((alias) => ({ artifactCollectionName: collection, alias })),
    tags: tags.map((tagName) => ({ tagName })),
    metadata: null,
  }, { signal: options.signal, runPath: run.runPath }) as {
    createArtifact?: { artifact?: { id?: unknown } | null } | null
  } | null
  if (!data?.createArtifact?.artifact?.id) {
    throw new WandbApiError(
      `CreateArtifact for ${run.runPath} returned no artifact; ${artifact.name} may not be logged`,
      { code: 'bad-response', status: 200, operation: 'CreateArtifact', runPath: run.runPath },
    )
  }
}
