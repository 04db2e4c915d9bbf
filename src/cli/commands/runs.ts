/** `wbx runs <wandb dir | entity/project>`: the runs of a local wandb/ folder or of a W&B project. */
import type { Command, CommandContext } from '../command.ts'
import { outputOptions } from '../command.ts'
import { cliApi } from '../cli_api.ts'
import { openRunCatalog, type RunCatalog } from '../../source/run_catalog.ts'
import type { Row } from '../../row.ts'
import { writeText } from '../cli_io.ts'
import { intOption } from '../parse_values.ts'
import { textTable } from '../text_table.ts'
import { UsageError } from '../usage_error.ts'
import { writeRows } from '../write_rows.ts'
import { oneBatch } from '../../streams/one_batch.ts'
import { runRow } from '../../source/rows.ts'

const LOCAL_COLUMNS = [
  'run_id',
  'name',
  'state',
  'created_at',
  'project',
  'tags',
  'size_bytes',
  'folder',
]
const REMOTE_COLUMNS = ['run_id', 'name', 'state', 'created_at', 'tags', 'group', 'job_type']

/** The `runs` command. */
export const runsCommand: Command = {
  name: 'runs',
  summary:
    'List the runs of a local wandb/ folder or a W&B project (table on a terminal, else rows)',
  usage: '<wandb dir | entity/project> [--filters JSON] [--order -created_at] [options]',
  details: [
    'Remote projects take Mongo-style --filters, e.g. \'{"state": "finished", "config.lr": {"$gt": 0.01}}\',',
    'and --order with + or - and a field, e.g. -created_at or +summary_metrics.loss.',
  ].join('\n'),
  options: {
    filters: { type: 'string', valueName: 'JSON', description: 'Remote: Mongo-style run filters' },
    order: {
      type: 'string',
      valueName: '±field',
      description: 'Remote: sort order (default: +created_at)',
    },
    full: {
      type: 'boolean',
      description: 'Remote: include config and summary (one bigger request per page)',
    },
    'per-page': {
      type: 'string',
      valueName: 'N',
      description: 'Remote: runs per request (default: 50)',
    },
    ...outputOptions,
  },
  async run(ctx) {
    const where = ctx.positionals[0]
    if (where === undefined) {
      throw new UsageError(
        'Missing <wandb dir | entity/project>: pass a wandb/ folder or a project path',
        'runs',
      )
    }
    const catalog = await openRunCatalog(where, { api: () => cliApi(ctx) })
    const local = catalog.kind === 'folder'
    const rows = await listRows(catalog, ctx)
    const asTable = ctx.io.stdoutIsTTY && ctx.values.format === undefined &&
      ctx.values.output === undefined
    if (asTable) {
      await writeText(ctx.io, textTable(rows, local ? LOCAL_COLUMNS : REMOTE_COLUMNS))
      return 0
    }
    await writeRows(oneBatch(rows), ctx, { label: 'runs' })
    return 0
  },
}

/** One row per run of the catalog (per folder of a local one, as `wbx runs` always listed). */
async function listRows(catalog: RunCatalog, ctx: CommandContext): Promise<Row[]> {
  if (catalog.kind === 'folder') {
    for (const name of ['filters', 'order', 'full', 'per-page']) {
      if (ctx.values[name] !== undefined) {
        throw new UsageError(`--${name} applies to W&B projects, not local folders`, 'runs')
      }
    }
  }
  let filters: Record<string, unknown> | undefined
  if (typeof ctx.values.filters === 'string') {
    try {
      filters = JSON.parse(ctx.values.filters)
    } catch (err) {
      throw new UsageError(`--filters must be JSON: ${(err as Error).message}`, 'runs')
    }
  }
  const full = ctx.values.full === true
  const entries = await catalog.list({
    signal: ctx.signal,
    filters,
    order: typeof ctx.values.order === 'string' ? ctx.values.order : undefined,
    perPage: intOption(ctx.values, 'per-page'),
    full,
    eachFolder: true,
  })
  for (const s of catalog.skipped) ctx.io.stderr(`wbx: skipped ${s.folder}: ${s.reason}\n`)
  const rows: Row[] = []
  for (const entry of entries) {
    const row = runRow({ ...entry.attributes, runId: entry.id })
    if (full) {
      const run = await entry.open({ signal: ctx.signal })
      row.config = run.config
      row.summary = run.summary
    }
    rows.push(row)
  }
  return rows
}
