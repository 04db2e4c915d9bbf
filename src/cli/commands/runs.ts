/** `wbx runs <wandb dir | entity/project>`: the runs of a local wandb/ folder or of a W&B project. */
import { existsSync } from 'node:fs'
import type { Command, CommandContext } from '../command.ts'
import { outputOptions } from '../command.ts'
import { cliApi } from '../cli_api.ts'
import type { Run } from '../../api/run.ts'
import { LocalRuns } from '../../local/local_runs.ts'
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
    const local = existsSync(where)
    const rows = local ? await localRows(where, ctx) : await remoteRows(where, ctx)
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

async function localRows(dir: string, ctx: CommandContext): Promise<Row[]> {
  for (const name of ['filters', 'order', 'full', 'per-page']) {
    if (ctx.values[name] !== undefined) {
      throw new UsageError(`--${name} applies to W&B projects, not local folders`, 'runs')
    }
  }
  const runs = await LocalRuns.open(dir)
  const rows = (await runs.list({ signal: ctx.signal })).map((e) => runRow({ runId: e.id, ...e }))
  for (const s of runs.skipped) ctx.io.stderr(`wbx: skipped ${s.folder}: ${s.reason}\n`)
  return rows
}

async function remoteRows(path: string, ctx: CommandContext): Promise<Row[]> {
  let filters: Record<string, unknown> | undefined
  if (typeof ctx.values.filters === 'string') {
    try {
      filters = JSON.parse(ctx.values.filters)
    } catch (err) {
      throw new UsageError(`--filters must be JSON: ${(err as Error).message}`, 'runs')
    }
  }
  const full = ctx.values.full === true
  const stream = cliApi(ctx).runs(path, {
    filters,
    order: typeof ctx.values.order === 'string' ? ctx.values.order : undefined,
    perPage: intOption(ctx.values, 'per-page'),
    lazy: !full,
    signal: ctx.signal,
  })
  const rows: Row[] = []
  for await (const page of stream) for (const run of page) rows.push(remoteRow(run, full))
  return rows
}

function remoteRow(run: Run, full: boolean): Row {
  const row = runRow({
    runId: run.id,
    name: run.name,
    state: run.state,
    tags: run.tags,
    group: run.group,
    jobType: run.jobType,
    createdAt: run.createdAt,
    updatedAt: run.heartbeatAt,
    historyLineCount: run.historyLineCount,
    lastHistoryStep: full ? lastStep(run) : null,
    entity: run.entity,
    project: run.project,
    notes: run.notes,
    url: run.url,
  })
  if (full) {
    row.config = run.config
    row.summary = run.summary
  }
  return row
}

/** The last history step a fully listed run's historyKeys report, else null. */
function lastStep(run: Run): number | null {
  const last = (run.historyKeys as { lastStep?: unknown } | undefined)?.lastStep
  return typeof last === 'number' && Number.isFinite(last) ? Math.trunc(last) : null
}
