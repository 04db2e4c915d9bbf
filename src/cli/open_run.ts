/**
 * Turns a command's `<source>` argument into a run to read.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { LocalRun } from '../local/local_run.ts'
import { formatDamageReport, isDamaged } from '../local/damage_report.ts'
import type { CliIo } from './cli_io.ts'
import type { OptionValues } from './command.ts'
import { UsageError } from './usage_error.ts'

/** Matches `entity/project/run_id`, `entity/project/runs/run_id` and W&B run URLs. */
const REMOTE_PATH = /^(https?:\/\/[^/]+\/)?[^/\s]+\/[^/\s]+\/(runs\/)?[^/\s]+\/?$/

/** Opens the run named by the first positional argument. */
export async function openRun(
  command: string,
  positionals: string[],
  values: OptionValues,
): Promise<LocalRun> {
  const source = positionals[0]
  if (source === undefined) {
    throw new UsageError('Missing <source>: pass a local run folder or .wandb file', command)
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `Expected one <source>, got ${positionals.length}: ${positionals.join(' ')}`,
      command,
    )
  }
  if (!existsSync(source)) {
    if (REMOTE_PATH.test(source)) {
      throw new Error(
        `Cannot read remote run "${source}": this version of wbx reads local runs only; pass a run folder or .wandb file`,
      )
    }
    throw new Error(`Cannot open run "${source}": no such file or folder`)
  }
  return await LocalRun.open(source, { strict: values.strict === true })
}

/** Prints a local run's damage report to stderr, if it has one. */
export function reportDamage(run: LocalRun, io: CliIo): void {
  for (const report of run.damage) {
    if (!isDamaged(report)) continue
    io.stderr(
      `wbx: warning: damaged log, every intact record was read\n${formatDamageReport(report)}\n`,
    )
  }
}
