/**
 * Turns a command's `<source>` argument into a run to read: a local run folder or `.wandb`
 * file when the path exists, else a W&B run path or URL read through the API.
 *
 * @module
 */
import { cliApi } from './cli_api.ts'
import type { CliIo } from './cli_io.ts'
import type { OptionValues } from './command.ts'
import { localSource, openLocalSource, reopenFull } from './local_source.ts'
import { remoteSource } from './remote_source.ts'
import { readerSource } from './reader_source.ts'
import type { RetryReporter } from './retry_reporter.ts'
import type { RunSource } from './run_source.ts'
import { UsageError } from './usage_error.ts'
import { LocalRun } from '../local/local_run.ts'
import { Run } from '../api/run.ts'
import { openRunReader, runSourceKind } from '../source/open_run.ts'
import type { RunReader } from '../source/run_reader.ts'

export { isShortRunPath, looksRemote } from '../source/open_run.ts'

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
  const options = { strict: values.strict === true, signal, follow: values.follow === true }
  const kind = runSourceKind(source)
  if (kind === 'local') return await openLocalSource(source, command, options)
  if (kind === 'remote' && options.strict) {
    throw new UsageError('--strict applies to local .wandb files', command)
  }
  const reader = await openRunReader(source, { ...options, api: () => cliApi({ retries }) })
  return runSource(reader, () => reopenFull(source, options))
}

/**
 * The RunSource of a reader: a local run and a server run add their extras (damage reports,
 * byte progress, downloads, sampling notes); any other reader is read through RunReader alone.
 */
export function runSource(
  reader: RunReader,
  full?: () => (signal: AbortSignal) => Promise<LocalRun>,
): RunSource {
  if (reader instanceof LocalRun) return localSource(reader, full?.())
  if (reader instanceof Run) return remoteSource(reader)
  return readerSource(reader)
}

/** Prints a source's warnings (damage reports, sampling notes) to stderr. */
export function printWarnings(source: RunSource, io: CliIo): void {
  for (const warning of source.warnings()) io.stderr(`wbx: ${warning}\n`)
}
