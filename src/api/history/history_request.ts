/**
 * Sends one history operation for a run and names the run in the transport's errors.
 *
 * @module
 */
import { type HistoryRunRef, type HistoryTransport, runPathOf } from './history_target.ts'
import type { GraphqlOperation } from '../queries.ts'
import { historySchemas } from './history_responses.ts'

/** Sends `operation` with `variables` on behalf of `run` and resolves with the response's `data`. */
export function requestHistory(
  transport: HistoryTransport,
  run: HistoryRunRef,
  operation: GraphqlOperation,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<unknown> {
  return transport.request(operation.document, variables, {
    signal,
    operationName: operation.name,
    runPath: runPathOf(run),
    schema: historySchemas[operation.name],
  })
}

/** The SDK's `{entity, project, name}` variables for a run (runs.py `Run._exec`). */
export function runVariables(run: HistoryRunRef): Record<string, unknown> {
  return { entity: run.entity, project: run.project, name: run.id }
}

/** An error for a run the server does not know, naming what was being read. */
export function runNotFound(run: HistoryRunRef, action: string): Error {
  const path = runPathOf(run)
  return new Error(
    `Cannot ${action} of ${path}: the server returned no run ${path}; check the entity, project and run id`,
  )
}
