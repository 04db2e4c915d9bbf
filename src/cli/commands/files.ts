/** `wbx files <source>`: the run's files with sizes and hashes, or download them. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run_source.ts'
import { writeRows } from '../write_rows.ts'
import { oneBatch } from '../../streams/one_batch.ts'
import { DownloadProgress } from '../download_progress.ts'

/** The `files` command. */
export const filesCommand: Command = {
  name: 'files',
  summary: "List the run's files (name, size, type, md5); --download DIR fetches them",
  usage: '<source> [--md5] [--download DIR [--replace]] [options]',
  details:
    "Downloads check each file's md5, skip identical files already there, and never write\noutside DIR.",
  options: {
    md5: {
      type: 'boolean',
      description: "Local runs: compute each file's base64 MD5 (the API's md5)",
    },
    download: {
      type: 'string',
      valueName: 'DIR',
      description: 'W&B runs and other sources: download every file into DIR',
    },
    replace: { type: 'boolean', description: 'With --download: overwrite files that differ' },
    ...outputOptions,
    ...sourceOptions,
  },
  async run(ctx) {
    const run = await openRun('files', ctx.positionals, ctx.values, ctx.signal, ctx.retries)
    const dir = ctx.values.download
    let rows
    if (typeof dir === 'string') {
      const drawing = ctx.values.quiet !== true && ctx.io.stderrIsTTY
      const progress = new DownloadProgress(drawing ? ctx.io.stderr : undefined)
      try {
        rows = await run.downloadFiles(dir, {
          replace: ctx.values.replace === true,
          signal: ctx.signal,
          progress: progress.update,
        })
      } finally {
        progress.finish()
      }
    } else rows = await run.files({ md5: ctx.values.md5 === true, signal: ctx.signal })
    await writeRows(oneBatch(rows), ctx, { label: 'files', runId: run.id })
    printWarnings(run, ctx.io)
    return 0
  },
}
