/**
 * Streams of the artifacts a run logged or used (the SDK's `Run.logged_artifacts` /
 * `Run.used_artifacts`, `RunArtifacts`).
 *
 * @module
 */
import { Artifact } from './artifact.ts'
import type { FileOwner } from './files.ts'
import { pagedStream } from '../streams/paged_stream.ts'
import { RUN_INPUT_ARTIFACTS_QUERY, RUN_OUTPUT_ARTIFACTS_QUERY } from './queries.ts'
import { runArtifactsPageSchema } from './schemas.ts'
import type { GraphqlTransport } from './transport.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** Options of `run.loggedArtifacts(...)` / `run.usedArtifacts(...)`. */
export interface ArtifactsOptions {
  /** Artifacts per request. @default 100 */
  perPage?: number
  /** Cancels the listing. */
  signal?: AbortSignal
}

/**
 * Streams a run's logged (`mode: 'logged'`) or used (`'used'`) artifacts in pages (cursor =
 * `pageInfo.endCursor`); nodes without a source project are skipped, as the SDK does.
 */
export function listRunArtifacts(
  transport: GraphqlTransport,
  run: FileOwner,
  mode: 'logged' | 'used',
  options: ArtifactsOptions = {},
): ReadableStream<Artifact[]> {
  const perPage = options.perPage ?? 100
  if (!Number.isInteger(perPage) || perPage < 1) {
    throw new RangeError(
      `Cannot list artifacts with perPage=${perPage}: expected a positive integer`,
    )
  }
  const operation = mode === 'logged' ? RUN_OUTPUT_ARTIFACTS_QUERY : RUN_INPUT_ARTIFACTS_QUERY
  const runPath = `${run.entity}/${run.project}/${run.id}`
  return pagedStream(async (cursor, signal) => {
    const data = await transport.request(operation, {
      entity: run.entity,
      project: run.project,
      run: run.id,
      cursor: cursor ?? null,
      perPage,
    }, { signal, runPath, schema: runArtifactsPageSchema })
    if (!data.project?.run) {
      throw new WandbApiError(
        `Cannot list artifacts of ${runPath}: the server has no such run; check the path`,
        {
          code: 'not-found',
          status: 404,
          operation: operation.name,
          runPath,
        },
      )
    }
    const conn = data.project.run.artifacts
    const items = (conn?.edges ?? [])
      .map((e) => e.node)
      .filter((n): n is NonNullable<typeof n> => n !== null && Boolean(n.artifactSequence.project))
      .map((n) => new Artifact(transport, n))
    const end = conn?.pageInfo?.endCursor ?? undefined
    return {
      items,
      next: conn?.pageInfo?.hasNextPage && end ? end : undefined,
      total: conn?.totalCount ?? undefined,
      received: conn?.edges?.length ?? 0,
    }
  }, { signal: options.signal, pageSize: perPage, label: `${mode} artifacts of ${runPath}` })
}
