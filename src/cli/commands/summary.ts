/** `wbx summary <source>`: the run summary as the server would hold it. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run.ts'
import { writeDocument } from './document_output.ts'
import { sparklineOption, terminalSparklines } from '../sparklines.ts'

/** The `summary` command. */
export const summaryCommand: Command = {
  name: 'summary',
  summary: 'Print the run summary (last values and explicit summary writes) as JSON',
  usage: '<source> [options]',
  details: 'Prints indented JSON; with --format or --output, exports it as a one-row table.',
  options: { ...outputOptions, ...sourceOptions, ...sparklineOption },
  async run(ctx) {
    const run = await openRun('summary', ctx.positionals, ctx.values, ctx.signal)
    const summary = await run.summary(ctx.signal)
    await writeDocument(summary, ctx, 'summary', await terminalSparklines(run, ctx, summary))
    printWarnings(run, ctx.io)
    return 0
  },
}
