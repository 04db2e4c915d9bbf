/** `wbx files <source>`: the run's files with sizes and hashes. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, reportDamage } from '../open_run.ts'
import { rowStream, writeRows } from '../write_rows.ts'
import type { Row } from '../../row.ts'

/** The `files` command. */
export const filesCommand: Command = {
  name: 'files',
  summary: "List the run's files (name, size, type, whether present on disk; --md5 adds hashes)",
  usage: '<source> [options]',
  options: {
    md5: { type: 'boolean', description: "Compute each file's base64 MD5 (the API's md5 field)" },
    ...outputOptions,
    ...sourceOptions,
  },
  async run(ctx) {
    const run = await openRun('files', ctx.positionals, ctx.values)
    const files = await run.files()
    const withMd5 = ctx.values.md5 === true
    const rows: Row[] = []
    for (const f of files) {
      rows.push({
        name: f.name,
        sizeBytes: f.sizeBytes,
        mimetype: f.mimetype,
        updatedAt: f.updatedAt,
        policy: f.policy,
        present: f.path !== null,
        path: f.path,
        ...(withMd5 ? { md5: f.path !== null ? await f.md5() : null } : {}),
      })
    }
    await writeRows(rowStream(rows), ctx, { label: 'files' })
    reportDamage(run, ctx.io)
    return 0
  },
}
