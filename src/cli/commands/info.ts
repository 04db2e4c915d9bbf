/** `wbx info <source>`: the run's attributes (id, name, state, tags, times, keys, writer). */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run.ts'
import { writeDocument } from './document_output.ts'
import { sparklineOption, terminalSparklines } from '../sparklines.ts'

/** The `info` command. */
export const infoCommand: Command = {
  name: 'info',
  summary: "Print the run's attributes (id, name, state, tags, notes, steps, writer) as JSON",
  usage: '<source> [options]',
  details: 'Prints indented JSON; with --format or --output, exports it as a one-row table.',
  options: { ...outputOptions, ...sourceOptions, ...sparklineOption },
  async run(ctx) {
    const run = await openRun('info', ctx.positionals, ctx.values, ctx.signal)
    const info = await run.info(ctx.signal)
    const spark = await terminalSparklines(run, ctx, await run.summary(ctx.signal))
    await writeDocument(info, ctx, 'info', spark)
    printWarnings(run, ctx.io)
    return 0
  },
}
