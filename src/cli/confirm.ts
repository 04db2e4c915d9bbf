/**
 * Confirmation for destructive commands: `--yes` skips it; on a terminal the user is asked;
 * without a terminal the command refuses, so a script never deletes by accident.
 *
 * @module
 */
import type { CliIo } from './cli_io.ts'
import { UsageError } from './usage_error.ts'

/**
 * Resolves true when the action may go ahead: `yes`, or a `y`/`yes` answer on a terminal. Without
 * `yes` and without a terminal on stdin it throws a UsageError naming `--yes`.
 */
export async function confirm(
  io: CliIo,
  question: string,
  yes: boolean,
  command: string,
): Promise<boolean> {
  if (yes) return true
  if (!io.stdinIsTTY || !io.readLine) {
    throw new UsageError(
      `${
        question.replace(/\?$/, '')
      }: refusing without --yes, since stdin is not a terminal to confirm on`,
      command,
    )
  }
  io.stderr(`${question} [y/N] `)
  const answer = (await io.readLine())?.trim().toLowerCase()
  return answer === 'y' || answer === 'yes'
}
