/** `wbx history <source>`: every logged history row, unsampled, as NDJSON, CSV or Parquet. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, reportDamage } from '../open_run.ts'
import { choiceOption, intOption, listOption } from '../parse_values.ts'
import { writeRows } from '../write_rows.ts'

/** Whether a requested key names a logged key or a dotted path into one. */
function hasHistoryKey(logged: Record<string, unknown>, key: string): boolean {
  if (Object.hasOwn(logged, key)) return true
  return Object.keys(logged).some((k) => k.startsWith(key + '.'))
}

/** The `history` command. */
export const historyCommand: Command = {
  name: 'history',
  summary: 'Export every history row of a run (no sampling)',
  usage: '<source> [--keys k1,k2] [--min-step N] [--max-step N] [options]',
  details: [
    'Rows keep _step first, then keys in the order they were first logged.',
    'With --keys, a row is kept when it has any of the keys (--keys-mode all: every key, as the',
    'W&B SDK does); keys that never appear are reported on stderr.',
  ].join('\n'),
  options: {
    keys: {
      type: 'string',
      multiple: true,
      valueName: 'k1,k2',
      description: 'Only these keys (and _step)',
    },
    'keys-mode': {
      type: 'string',
      valueName: 'any|all',
      description: 'Keep rows with any (default) or all of --keys',
    },
    'min-step': { type: 'string', valueName: 'N', description: 'First step to export (inclusive)' },
    'max-step': {
      type: 'string',
      valueName: 'N',
      description: 'Last step to export (exclusive, like the SDK)',
    },
    ...outputOptions,
    ...sourceOptions,
  },
  async run(ctx) {
    const run = await openRun('history', ctx.positionals, ctx.values)
    const keys = listOption(ctx.values, 'keys')
    const rows = run.scanHistory({
      keys,
      keysMode: choiceOption(ctx.values, 'keys-mode', ['any', 'all'] as const),
      minStep: intOption(ctx.values, 'min-step'),
      maxStep: intOption(ctx.values, 'max-step'),
      signal: ctx.signal,
    })
    await writeRows(rows, ctx, { label: 'history' })
    const missing = (keys ?? []).filter((k) => !hasHistoryKey(run.historyKeys.keys, k))
    if (missing.length) ctx.io.stderr(`wbx: keys never logged in this run: ${missing.join(', ')}\n`)
    reportDamage(run, ctx.io)
    return 0
  },
}
