/** `wbx system <source>`: system-metric samples (every sample for local runs). */
import type { Command } from '../command.ts'
import { sourceOptions } from '../command.ts'
import {
  FOLLOW_DETAILS,
  followOptions,
  followOutputOptions,
  startFollowing,
} from '../follow_output.ts'
import { openRun, printWarnings } from '../open_run_source.ts'
import { writeRows } from '../write_rows.ts'
import { readMeter } from '../progress.ts'

/** The `system` command. */
export const systemCommand: Command = {
  name: 'system',
  summary: 'Export system metrics (CPU, GPU, memory, disk, network); local runs at full resolution',
  usage: '<source> [-f] [options]',
  details: [
    "Rows use the W&B API's names: _wandb, _timestamp, _runtime and system.<key>.",
    'The W&B API serves system metrics only sampled; a local run folder has every sample.',
  ].join('\n') + '\n' + FOLLOW_DETAILS,
  options: { ...followOptions, ...followOutputOptions, ...sourceOptions },
  async run(ctx) {
    const following = startFollowing(ctx, 'system')
    const follow = following.selection
    const run = await openRun('system', ctx.positionals, ctx.values, ctx.signal, ctx.retries)
    // A local run read to its end: progress as bytes of its log read (a followed log grows).
    const read = follow ? undefined : readMeter(run.logBytes)
    const rows = await run.systemMetrics(ctx.signal, follow, read?.update)
    await writeRows(following.endOnIdle(rows), ctx, {
      label: 'system',
      runId: run.id,
      follow: follow !== undefined,
      read,
    })
    printWarnings(run, ctx.io)
    return following.finish()
  },
}
