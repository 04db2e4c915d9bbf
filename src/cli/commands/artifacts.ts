/** `wbx artifacts <source>`: artifacts the run logged and used. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run_source.ts'
import { choiceOption } from '../parse_values.ts'
import { writeRows } from '../write_rows.ts'
import { oneBatch } from '../../streams/one_batch.ts'

/** The `artifacts` command. */
export const artifactsCommand: Command = {
  name: 'artifacts',
  summary: 'List artifacts the run logged and used (name, type, aliases, digest, size)',
  usage: '<source> [--direction logged|used] [--entries] [options]',
  details: 'With --entries, one row per manifest entry of the logged artifacts instead.',
  options: {
    direction: {
      type: 'string',
      valueName: 'logged|used',
      description: 'Only logged or only used artifacts',
    },
    entries: { type: 'boolean', description: 'One row per manifest entry (path, digest, size)' },
    ...outputOptions,
    ...sourceOptions,
  },
  async run(ctx) {
    const direction = choiceOption(ctx.values, 'direction', ['logged', 'used'] as const)
    const run = await openRun('artifacts', ctx.positionals, ctx.values, ctx.signal, ctx.retries)
    const rows = await run.artifacts({
      direction,
      entries: ctx.values.entries === true,
      signal: ctx.signal,
    })
    await writeRows(oneBatch(rows), ctx, { label: 'artifacts', runId: run.id })
    printWarnings(run, ctx.io)
    return 0
  },
}
