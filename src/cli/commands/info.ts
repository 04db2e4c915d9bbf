/** `wbx info <source>`: the run's attributes (id, name, state, tags, times, keys, writer). */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run.ts'
import { jsonOption, writeDocument } from './document_output.ts'
import { sparklineOption, terminalSparklines } from '../sparklines.ts'

/** The `info` command. */
export const infoCommand: Command = {
  name: 'info',
  summary: "Print the run's attributes (id, name, state, tags, notes, steps, writer) as JSON",
  usage: '<source> [options]',
  details: [
    'On a terminal, prints one line per key (histograms, media and long lists collapsed);',
    'elsewhere or with --json, indented JSON; with --format or --output, a one-row table.',
  ].join('\n'),
  options: { ...jsonOption, ...outputOptions, ...sourceOptions, ...sparklineOption },
  async run(ctx) {
    const run = await openRun('info', ctx.positionals, ctx.values, ctx.signal, ctx.retries)
    const spark = await terminalSparklines(run, ctx, await run.summary(ctx.signal))
    await writeDocument(await run.info(ctx.signal), ctx, 'info', {
      runId: run.id,
      compact: true,
      trailer: spark,
    })
    printWarnings(run, ctx.io)
    return 0
  },
}
