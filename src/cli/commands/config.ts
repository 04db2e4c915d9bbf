/** `wbx config <source>`: the run config. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run_source.ts'
import { writeDocument } from './document_output.ts'

/** The `config` command. */
export const configCommand: Command = {
  name: 'config',
  summary: 'Print the run config as JSON (--raw: the stored form with _wandb)',
  usage: '<source> [--raw] [options]',
  details: 'Prints indented JSON; with --format or --output, exports it as a one-row table.',
  options: {
    raw: { type: 'boolean', description: "The raw stored config, like the API's rawconfig" },
    ...outputOptions,
    ...sourceOptions,
  },
  async run(ctx) {
    const run = await openRun('config', ctx.positionals, ctx.values, ctx.signal, ctx.retries)
    await writeDocument(await run.config(ctx.values.raw === true, ctx.signal), ctx, 'config', {
      runId: run.id,
    })
    printWarnings(run, ctx.io)
    return 0
  },
}
