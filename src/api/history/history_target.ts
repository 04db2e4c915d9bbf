/**
 * The two things every history reader needs: a way to send GraphQL and the run it reads.
 *
 * Both are structural so that the client's `GraphqlTransport` and `Run` fit them as they are.
 *
 * @module
 */

/** Per-request options a history reader passes to the transport. */
export interface HistoryRequestOptions {
  /** Cancels the request. */
  signal?: AbortSignal
  /** The operation's name, for retries' logs and error messages. */
  operationName?: string
  /** `entity/project/run_id`, for error messages. */
  runPath?: string
  /** A zod-like schema the transport may validate the `data` object with. */
  schema?: { parse(data: unknown): unknown }
}

/** Sends one GraphQL document to the W&B API and resolves with the response's `data` object. */
export interface HistoryTransport {
  /** Sends `document` with `variables`; rejects on transport or GraphQL errors. */
  request(
    document: string,
    variables: Record<string, unknown>,
    options?: HistoryRequestOptions,
  ): Promise<unknown>
}

/** The run a history reader reads: the same three names as `Run.entity`, `Run.project`, `Run.id`. */
export interface HistoryRunRef {
  /** The entity (user or team) that owns the project. */
  readonly entity: string
  /** The project name. */
  readonly project: string
  /** The run id, the `run_id` in `entity/project/run_id`. */
  readonly id: string
  /** The rows the server declares (`historyLineCount`), when known: full scans check it. */
  readonly historyLineCount?: number
  /** The run state, when known (`running` runs are not held to their declared count). */
  readonly state?: string
}

/** Formats a run reference as `entity/project/run_id`. */
export function runPathOf(run: HistoryRunRef): string {
  return `${run.entity}/${run.project}/${run.id}`
}
