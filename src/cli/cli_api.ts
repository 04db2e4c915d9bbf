/** The W&B API client of a CLI command: the environment's settings plus announced retries. */
import { Api } from '../api/api.ts'
import type { ApiOptions } from '../api/api_options.ts'
import type { CommandContext } from './command.ts'

/** Creates the Api a command talks to, reporting its retries through the command's reporter. */
export function cliApi(ctx: Pick<CommandContext, 'retries'>, options: ApiOptions = {}): Api {
  return new Api({ onRetry: ctx.retries?.onRetry, ...options })
}
