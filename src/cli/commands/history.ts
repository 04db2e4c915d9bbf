/** `wbx history <source>`: every logged history row, unsampled, as NDJSON, CSV or Parquet. */
import type { Command } from '../command.ts'
import { sourceOptions } from '../command.ts'
import {
  FOLLOW_DETAILS,
  followOptions,
  followOutputOptions,
  startFollowing,
} from '../follow_output.ts'
import { openRun, printWarnings } from '../open_run_source.ts'
import { choiceOption, intOption, listOption } from '../parse_values.ts'
import { writeRows } from '../write_rows.ts'
import { readMeter } from '../progress.ts'
import { UsageError } from '../usage_error.ts'

/** The `history` command. */
export const historyCommand: Command = {
  name: 'history',
  summary: 'Export every history row of a run (no sampling)',
  usage: '<source> [-f] [--keys k1,k2] [--min-step N] [--max-step N] [options]',
  details: [
    'Rows keep _step first, then keys in the order they were first logged.',
    'With --keys, a row is kept when it has any of the keys (--keys-mode all: every key, as the',
    'W&B SDK does); a null value counts as not logged, and keys that never have a value are',
    'reported on stderr.',
    "Remote runs are read from the server's Parquet history exports plus the live tail when",
    'they exist (--source auto), else page by page through GraphQL.',
  ].join('\n') + '\n' + FOLLOW_DETAILS,
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
    ...followOptions,
    ...followOutputOptions,
    'allow-shortfall': {
      type: 'boolean',
      description: 'Remote runs: warn instead of failing when rows are missing or in conflict',
    },
    ...sourceOptions,
  },
  async run(ctx) {
    const keys = listOption(ctx.values, 'keys')
    const following = startFollowing(ctx, 'history')
    const follow = following.selection
    let missing: string[] = []
    const selection = {
      keys,
      keysMode: choiceOption(ctx.values, 'keys-mode', ['any', 'all'] as const),
      minStep: intOption(ctx.values, 'min-step'),
      maxStep: intOption(ctx.values, 'max-step'),
      source: choiceOption(ctx.values, 'source', ['auto', 'parquet', 'graphql'] as const),
      onShortfall: ctx.values['allow-shortfall'] === true ? 'report' as const : undefined,
      signal: ctx.signal,
      follow,
      onMissingKeys: (keys: string[]) => (missing = keys),
    }
    const { minStep, maxStep } = selection
    if (minStep !== undefined && maxStep !== undefined && minStep >= maxStep) {
      throw new UsageError(
        `--min-step ${minStep} is not below --max-step ${maxStep} (exclusive), so no step is selected`,
        'history',
      )
    }
    const run = await openRun('history', ctx.positionals, ctx.values, ctx.signal, ctx.retries)
    if (follow) {
      await writeRows(following.endOnIdle(run.history(selection)), ctx, {
        label: 'history',
        runId: run.id,
        follow: true,
      })
    } else {
      // Types from historyKeys (a local run: its full metadata pass), unless keys or steps
      // narrow the rows: then the schema could name columns the rows never have.
      const whole = keys === undefined && minStep === undefined && maxStep === undefined
      // A local run needs a first pass for it: worth it for a file (streamed CSV/Parquet), not
      // to delay the first line on stdout.
      const toFile = typeof ctx.values.output === 'string' && ctx.values.output !== '-'
      const schema = whole ? await run.historySchema(ctx.signal, toFile) : undefined
      // A local run: how far through its log the read is (no row count without a second pass).
      const read = readMeter(run.logBytes)
      await writeRows(() => run.history({ ...selection, onRead: read?.update }), ctx, {
        label: 'history',
        schema,
        runId: run.id,
        total: whole ? run.historyRows : undefined,
        read,
      })
    }
    // The scan's own report (both sources, one rule: a null value is no value): requested keys
    // without a value in any row of the selected steps.
    if (missing.length) ctx.io.stderr(`wbx: ${missingKeysMessage(missing, minStep, maxStep)}\n`)
    printWarnings(run, ctx.io)
    return following.finish()
  },
}

/** The stderr line for requested keys without a value, naming the step range when one was given. */
export function missingKeysMessage(keys: string[], minStep?: number, maxStep?: number): string {
  const message = `keys never logged in this run: ${keys.join(', ')}`
  if (minStep === undefined && maxStep === undefined) return message
  const range = [
    minStep === undefined ? '' : `≥ ${minStep}`,
    maxStep === undefined ? '' : `< ${maxStep}`,
  ].filter(Boolean).join(' and ')
  return `${message} (only steps ${range} were read)`
}
