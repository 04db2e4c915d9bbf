/** `wbx runs <wandb dir>`: the runs in a local wandb/ folder. */
import type { Command } from '../command.ts'
import { outputOptions } from '../command.ts'
import { existsSync } from 'node:fs'
import { LocalRuns } from '../../local/local_runs.ts'
import { writeText } from '../cli_io.ts'
import { textTable } from '../text_table.ts'
import { UsageError } from '../usage_error.ts'
import { rowStream, writeRows } from '../write_rows.ts'
import type { Row } from '../../row.ts'

const TABLE_COLUMNS = ['id', 'name', 'state', 'createdAt', 'project', 'tags', 'sizeBytes', 'folder']

/** The `runs` command. */
export const runsCommand: Command = {
  name: 'runs',
  summary:
    'List the runs of a local wandb/ folder (a table on a terminal, else NDJSON/CSV/Parquet)',
  usage: '<wandb dir> [options]',
  options: { ...outputOptions },
  async run(ctx) {
    const dir = ctx.positionals[0]
    if (dir === undefined) {
      throw new UsageError('Missing <wandb dir>: pass a wandb/ folder or its parent', 'runs')
    }
    if (!existsSync(dir)) throw new Error(`Cannot list runs in "${dir}": no such folder`)
    const runs = await LocalRuns.open(dir)
    const rows = await runs.list({ signal: ctx.signal })
    const asTable = ctx.io.stdoutIsTTY && ctx.values.format === undefined &&
      ctx.values.output === undefined
    if (asTable) {
      await writeText(ctx.io, textTable(rows as unknown as Row[], TABLE_COLUMNS))
      return 0
    }
    await writeRows(rowStream(rows as unknown as Row[]), ctx, { label: 'runs' })
    return 0
  },
}
