/** `wbx system <source>`: system-metric samples (every sample for local runs). */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run.ts'
import { writeRows } from '../write_rows.ts'

/** The `system` command. */
export const systemCommand: Command = {
  name: 'system',
  summary: 'Export system metrics (CPU, GPU, memory, disk, network); local runs at full resolution',
  usage: '<source> [options]',
  details: [
    "Rows use the W&B API's names: _wandb, _timestamp, _runtime and system.<key>.",
    'The W&B API serves system metrics only sampled; a local run folder has every sample.',
  ].join('\n'),
  options: { ...outputOptions, ...sourceOptions },
  async run(ctx) {
    const run = await openRun('system', ctx.positionals, ctx.values, ctx.signal, ctx.retries)
    await writeRows(await run.systemMetrics(ctx.signal), ctx, { label: 'system', runId: run.id })
    printWarnings(run, ctx.io)
    return 0
  },
}
