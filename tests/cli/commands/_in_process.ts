/** Test-only: runs a CLI command in-process on the bundled sample run, collecting stdout. */
import { fileURLToPath } from 'node:url'
import type { Command, CommandContext, OptionValues } from '../../../src/cli/command.ts'

/** The bundled sample run folder (`samples/wandb/latest-run`). */
export const SAMPLE_RUN = fileURLToPath(
  new URL('../../../samples/wandb/latest-run', import.meta.url),
)

/** Runs `command` with `values` on the sample run (stdout not a terminal); returns code and stdout. */
export async function runInProcess(
  command: Command,
  values: OptionValues,
  positionals: string[] = [SAMPLE_RUN],
): Promise<{ code: number; out: string; err: string }> {
  const chunks: Uint8Array[] = []
  const err: string[] = []
  const ctx: CommandContext = {
    values,
    positionals,
    signal: new AbortController().signal,
    io: {
      stdout: () => new WritableStream({ write: (c) => void chunks.push(c) }),
      stderr: (t) => void err.push(t),
      stdoutIsTTY: false,
      stderrIsTTY: false,
    },
  }
  const code = await command.run(ctx)
  let size = 0
  for (const c of chunks) size += c.length
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) (all.set(c, at), at += c.length)
  return { code, out: new TextDecoder().decode(all), err: err.join('') }
}
