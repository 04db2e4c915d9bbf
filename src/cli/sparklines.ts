/**
 * The sparkline hook of `wbx summary` and `wbx info`: on a terminal, after the JSON, one line per
 * numeric summary key drawn from every history step of a local run (remote runs would need a full
 * history download, so they get none).
 *
 * @module
 */
import { existsSync } from 'node:fs'
import type { CommandContext, OptionSpec } from './command.ts'
import type { RunSource } from './run_source.ts'
import { flattenRow } from '../export/flatten.ts'
import { reduceRows } from '../report/series_set.ts'
import { sparklineLines } from '../report/sparkline.ts'

/** Most keys drawn. */
const MAX_KEYS = 16

/** The `--sparklines` option (on by default on a terminal; `--no-sparklines` turns it off). */
export const sparklineOption: Record<string, OptionSpec> = {
  sparklines: {
    type: 'boolean',
    description:
      'A sparkline per numeric key after the document (local runs; default on a terminal without --json)',
  },
}

/** The sparkline text to print after the document, or '' when none applies. */
export async function terminalSparklines(
  run: RunSource,
  ctx: CommandContext,
  summary: Record<string, unknown>,
): Promise<string> {
  const source = ctx.positionals[0]
  const plain = ctx.values.format === undefined &&
    (ctx.values.output === undefined || ctx.values.output === '-')
  if (ctx.values.sparklines === false || !plain) return ''
  // By default only on a terminal, and not under --json (that output stays one JSON document).
  const byDefault = ctx.io.stdoutIsTTY && ctx.values.json !== true
  if (!byDefault && ctx.values.sparklines !== true) return ''
  if (source === undefined || !existsSync(source)) return ''
  const flat = flattenRow(summary)
  const keys = Object.keys(flat)
    .filter((k) => !k.startsWith('_') && typeof flat[k] === 'number')
    .slice(0, MAX_KEYS)
  if (keys.length === 0) return ''
  const set = await reduceRows(run.history({ signal: ctx.signal }), {
    xKey: '_step',
    keys,
    maxBuckets: 128,
    signal: ctx.signal,
  })
  const lines = sparklineLines(set.series)
  return lines.length ? `\n${lines.join('\n')}\n` : ''
}
