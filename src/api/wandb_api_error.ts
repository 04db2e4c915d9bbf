/**
 * The error every failed W&B API call ends in.
 *
 * @module
 */
import { redactText } from './redact.ts'

/** What kind of failure a {@link WandbApiError} reports. */
export type WandbApiErrorCode =
  | 'http' // a non-retryable HTTP status (401, 403, 404, ...)
  | 'graphql' // a 200 response carrying GraphQL `errors`
  | 'retries-exhausted' // retryable failures until the attempt or time budget ran out
  | 'bad-response' // a response whose shape or JSON could not be used
  | 'not-found' // the server answered, but the run, project or file does not exist
  | 'download' // a file download failed its checks (md5, size)
  | 'unreachable' // the host never answered: connection refused, DNS failure

/** Fields of a {@link WandbApiError}. */
export interface WandbApiErrorInit {
  /** The failure kind. */
  code: WandbApiErrorCode
  /** HTTP status of the last response, 0 when none arrived (connection errors, timeouts). */
  status: number
  /** GraphQL operation name, or a short label such as `download` for file transfers. */
  operation: string
  /** `entity/project/run_id` when the call concerned one run. */
  runPath?: string
  /** The server's own message (GraphQL error messages or a short body excerpt), never a whole body. */
  serverMessage?: string
  /** The underlying error. */
  cause?: unknown
}

/**
 * A W&B API call failed: carries the HTTP status, the operation name, the run path and the
 * server's message. Its message is short and never contains the API key or a whole response body.
 */
export class WandbApiError extends Error {
  /** The failure kind. */
  readonly code: WandbApiErrorCode
  /** HTTP status of the last response, 0 when none arrived. */
  readonly status: number
  /** GraphQL operation name or transfer label. */
  readonly operation: string
  /** `entity/project/run_id` when known. */
  readonly runPath: string | undefined
  /** The server's message, when it sent one. */
  readonly serverMessage: string | undefined

  /** Creates the error; `message` should already be short and free of secrets. */
  constructor(message: string, init: WandbApiErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'WandbApiError'
    this.code = init.code
    this.status = init.status
    this.operation = init.operation
    this.runPath = init.runPath
    this.serverMessage = init.serverMessage
  }
}

/** Longest server message kept in an error. */
const MAX_SERVER_MESSAGE = 300

/**
 * Shortens a server message to one bounded line so errors never carry a whole body; secrets are
 * removed first ({@linkcode redactText}), so none survives half cut.
 */
export function excerpt(text: string, max: number = MAX_SERVER_MESSAGE): string {
  const oneLine = redactText(text).replace(/\s+/g, ' ').trim()
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine
}

/** Replaces every occurrence of each secret in `text` (and everything {@linkcode redactText} removes) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  return redactText(text, secrets)
}

/** A hint for the user by HTTP status, or an empty string. */
export function statusHint(status: number): string {
  if (status === 401) return '; check WANDB_API_KEY (or the apiKey option) and WANDB_BASE_URL'
  if (status === 403) return '; the API key has no access to this entity or project'
  if (status === 404) return '; check the entity, project and run id and WANDB_BASE_URL'
  if (status === 429) return '; the server is rate limiting, retry later'
  return ''
}
