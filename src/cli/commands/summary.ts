/** `wbx summary <source>`: the run summary as the server would hold it. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run.ts'
import { jsonOption, writeDocument } from './document_output.ts'
import { sparklineOption, terminalSparklines } from '../sparklines.ts'

/** The `summary` command. */
export const summaryCommand: Command = {
  name: 'summary',
  summary: 'Print the run summary (last values and explicit summary writes) as JSON',
  usage: '<source> [options]',
  details: [
    'On a terminal, prints one line per key (histograms, media and long lists collapsed);',
    'elsewhere or with --json, indented JSON; with --format or --output, a one-row table.',
  ].join('\n'),
  options: { ...jsonOption, ...outputOptions, ...sourceOptions, ...sparklineOption },
  async run(ctx) {
    const run = await openRun('summary', ctx.positionals, ctx.values, ctx.signal, ctx.retries)
    const summary = await run.summary(ctx.signal)
    await writeDocument(summary, ctx, 'summary', {
      runId: run.id,
      compact: true,
      trailer: await terminalSparklines(run, ctx, summary),
    })
    printWarnings(run, ctx.io)
    return 0
  },
}
