/**
 * Turns a command's `<source>` argument into a run to read: a local run folder or `.wandb`
 * file when the path exists, else a W&B run path or URL read through the API.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { env } from '../runtime.ts'
import { cliApi } from './cli_api.ts'
import type { CliIo } from './cli_io.ts'
import type { OptionValues } from './command.ts'
import { openLocalSource } from './local_source.ts'
import { remoteSource } from './remote_source.ts'
import type { RetryReporter } from './retry_reporter.ts'
import type { RunSource } from './run_source.ts'
import { UsageError } from './usage_error.ts'

/** Matches `entity/project/run_id`, `entity/project/runs/run_id` and run URLs. */
const REMOTE_PATH = /^(https?:\/\/[^/]+\/.+|[^/\s]+\/[^/\s]+\/(runs\/)?[^/\s]+\/?)$/

/** A bare run id, as `api.run("run01")` takes it with the default entity and project. */
const BARE_RUN_ID = /^[\w.-]+$/

/** Whether an argument that is not a local path reads as a W&B run path or URL. */
export function looksRemote(source: string): boolean {
  return REMOTE_PATH.test(source)
}

/** Whether a bare run id names a remote run: WANDB_PROJECT is set, as the SDK then resolves it. */
export function isShortRunPath(source: string): boolean {
  return BARE_RUN_ID.test(source) && Boolean(env('WANDB_PROJECT'))
}

/** Opens the run named by the command's one positional argument. */
export async function openRun(
  command: string,
  positionals: string[],
  values: OptionValues,
  signal: AbortSignal,
  retries?: RetryReporter,
): Promise<RunSource> {
  const source = positionals[0]
  if (source === undefined) {
    throw new UsageError(
      'Missing <source>: pass a local run folder, a .wandb file, entity/project/run_id or a run URL',
      command,
    )
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `Expected one <source>, got ${positionals.length}: ${positionals.join(' ')}`,
      command,
    )
  }
  if (existsSync(source)) {
    return await openLocalSource(source, command, {
      strict: values.strict === true,
      signal,
      follow: values.follow === true,
    })
  }
  if (!looksRemote(source) && !isShortRunPath(source)) {
    const hint = BARE_RUN_ID.test(source)
      ? '; for a run on W&B pass entity/project/run_id, or set WANDB_PROJECT (and WANDB_ENTITY) as for the SDK\'s api.run("id")'
      : ''
    throw new Error(`Cannot open run "${source}": no such file or folder${hint}`)
  }
  if (values.strict) throw new UsageError('--strict applies to local .wandb files', command)
  const api = cliApi({ retries })
  return remoteSource(await api.run(source, { signal }))
}

/** Prints a source's warnings (damage reports, sampling notes) to stderr. */
export function printWarnings(source: RunSource, io: CliIo): void {
  for (const warning of source.warnings()) io.stderr(`wbx: ${warning}\n`)
}
