/** `wbx upload <run> FILE... [--root DIR]`: upload local files to a run on a W&B server. */
import { existsSync } from 'node:fs'
import type { Command } from '../command.ts'
import { cliApi } from '../cli_api.ts'
import { stringifyJson } from '../../json/stringify_json.ts'
import { looksRemote } from '../open_run_source.ts'
import { UsageError } from '../usage_error.ts'
import { fileRow } from '../../source/rows.ts'

/** The `upload` command. */
export const uploadCommand: Command = {
  name: 'upload',
  summary: "Upload local files to a run on a W&B server (streamed; prints each file's metadata)",
  usage: '<entity/project/run_id> FILE... [--root DIR]',
  details: [
    'Each file is stored in the run under its path relative to --root (default: the current',
    'directory); a file outside --root is refused. Files go one after another; the first failure',
    'stops the command (files already uploaded stay). Prints one JSON line per uploaded file.',
  ].join('\n'),
  options: {
    root: {
      type: 'string',
      valueName: 'DIR',
      description: 'Folder the names in the run are relative to (default: .)',
    },
  },
  async run(ctx) {
    const [path, ...files] = ctx.positionals
    if (path === undefined || !looksRemote(path) || existsSync(path)) {
      throw new UsageError(
        path === undefined
          ? 'Missing <run>: pass entity/project/run_id or a run URL, then the files'
          : `"${path}" is not a W&B run path; pass entity/project/run_id or a run URL first`,
        'upload',
      )
    }
    if (files.length === 0) throw new UsageError('Missing FILE: name one or more files', 'upload')
    const root = typeof ctx.values.root === 'string' ? ctx.values.root : undefined
    const run = await cliApi(ctx).run(path, { signal: ctx.signal, lazy: true })
    const writer = ctx.io.stdout().getWriter()
    const encoder = new TextEncoder()
    try {
      for (const file of files) {
        const uploaded = await run.uploadFile(file, { root, signal: ctx.signal })
        const { id, name, url, sizeBytes, md5, mimetype, updatedAt } = uploaded.toJSON()
        // A `wbx files` row (the storage URL, often signed, is left out).
        const row = fileRow({
          id,
          name,
          url,
          sizeBytes,
          md5,
          mimetype: mimetype ?? null,
          updatedAt: updatedAt ?? null,
        })
        await writer.write(encoder.encode(stringifyJson(row) + '\n'))
        ctx.io.stderr(`wbx: uploaded ${file} as ${name} to ${run.runPath}\n`)
      }
    } finally {
      await writer.close()
    }
    return 0
  },
}
