/** `wbx system <source>`: every system-metrics sample at full resolution. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, reportDamage } from '../open_run.ts'
import { writeRows } from '../write_rows.ts'

/** The `system` command. */
export const systemCommand: Command = {
  name: 'system',
  summary: 'Export system metrics (CPU, GPU, memory, disk, network) at full resolution',
  usage: '<source> [options]',
  details: "Rows use the W&B API's names: _timestamp, _runtime, _wandb and system.<key>.",
  options: { ...outputOptions, ...sourceOptions },
  async run(ctx) {
    const run = await openRun('system', ctx.positionals, ctx.values)
    await writeRows(run.scanSystemMetrics({ signal: ctx.signal }), ctx, { label: 'system' })
    reportDamage(run, ctx.io)
    return 0
  },
}
