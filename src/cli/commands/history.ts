/** `wbx history <source>`: every logged history row, unsampled, as NDJSON, CSV or Parquet. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run.ts'
import { choiceOption, intOption, listOption } from '../parse_values.ts'
import { writeRows } from '../write_rows.ts'

/** The `history` command. */
export const historyCommand: Command = {
  name: 'history',
  summary: 'Export every history row of a run (no sampling)',
  usage: '<source> [--keys k1,k2] [--min-step N] [--max-step N] [options]',
  details: [
    'Rows keep _step first, then keys in the order they were first logged.',
    'With --keys, a row is kept when it has any of the keys (--keys-mode all: every key, as the',
    'W&B SDK does); keys that never appear are reported on stderr.',
    "Remote runs are read from the server's Parquet history exports plus the live tail when",
    'they exist (--source auto), else page by page through GraphQL.',
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
      description: 'Step to stop before (exclusive, like the SDK)',
    },
    source: {
      type: 'string',
      valueName: 'auto|parquet|graphql',
      description: 'Remote runs: how to read history (default: auto)',
    },
    'allow-shortfall': {
      type: 'boolean',
      description: 'Remote runs: warn instead of failing when rows are missing or in conflict',
    },
    ...outputOptions,
    ...sourceOptions,
  },
  async run(ctx) {
    const keys = listOption(ctx.values, 'keys')
    const selection = {
      keys,
      keysMode: choiceOption(ctx.values, 'keys-mode', ['any', 'all'] as const),
      minStep: intOption(ctx.values, 'min-step'),
      maxStep: intOption(ctx.values, 'max-step'),
      source: choiceOption(ctx.values, 'source', ['auto', 'parquet', 'graphql'] as const),
      onShortfall: ctx.values['allow-shortfall'] === true ? 'report' as const : undefined,
      signal: ctx.signal,
    }
    const run = await openRun('history', ctx.positionals, ctx.values, ctx.signal)
    await writeRows(run.history(selection), ctx, { label: 'history' })
    if (keys) {
      const logged = await run.historyKeyNames(ctx.signal)
      const missing = keys.filter((k) =>
        !logged.some((name) => name === k || name.startsWith(k + '.'))
      )
      if (missing.length) {
        ctx.io.stderr(`wbx: keys never logged in this run: ${missing.join(', ')}\n`)
      }
    }
    printWarnings(run, ctx.io)
    return 0
  },
}
