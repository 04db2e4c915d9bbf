/**
 * Fetching one run's node (runs.py `Run._load_with_fragment`): the read behind `Run.load()` and
 * the fresh read a write merges into.
 *
 * @module
 */
import { RUN_FULL_QUERY, RUN_LAZY_QUERY } from './queries.ts'
import { type RunNode, runResponseSchema } from './schemas.ts'
import type { GraphqlTransport } from './transport.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** The run a query names. */
export interface RunNodeTarget {
  readonly entity: string
  readonly project: string
  readonly id: string
  readonly runPath: string
}

/**
 * Fetches a run's node with the full fragment (`full`) or the lightweight one; a missing run is a
 * not-found {@link WandbApiError} whose message is `notFound`.
 */
export async function fetchRunNode(
  transport: GraphqlTransport,
  run: RunNodeTarget,
  full: boolean,
  notFound: string,
  signal?: AbortSignal,
): Promise<RunNode> {
  const query = full ? RUN_FULL_QUERY : RUN_LAZY_QUERY
  const data = await transport.request(query, {
    project: run.project,
    entity: run.entity,
    name: run.id,
  }, { signal, runPath: run.runPath, schema: runResponseSchema })
  const node = data.project?.run
  if (!node) {
    throw new WandbApiError(notFound, {
      code: 'not-found',
      status: 404,
      operation: query.name,
      runPath: run.runPath,
    })
  }
  return node
}
