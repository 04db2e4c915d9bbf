/**
 * `wbx verify DIR`: checks an export folder against its manifest (files, checksums, row counts,
 * step coverage) and exits 1 on any shortfall.
 *
 * @module
 */
import type { Command } from '../command.ts'
import { writeText } from '../cli_io.ts'
import { formatBytes } from '../progress.ts'
import { UsageError } from '../usage_error.ts'
import { verifyDataset } from '../../bulk/verify.ts'

/** The `verify` command. */
export const verifyCommand: Command = {
  name: 'verify',
  summary:
    'Check an export folder: files and sha256, row counts, step coverage (exit 1 on a shortfall)',
  usage: '<DIR> [--no-checksums] [--json]',
  details: [
    "Compares each run's exported rows with its historyLineCount and its last exported step with",
    'its lastHistoryStep, and every file with the size and sha256 the manifest records.',
  ].join('\n'),
  options: {
    checksums: {
      type: 'boolean',
      description: 'Hash every file (default; --no-checksums: sizes only)',
    },
    json: { type: 'boolean', description: 'Print the report as JSON on stdout' },
  },
  /** Verifies the folder and prints the problems and a summary line. */
  async run(ctx) {
    const dir = ctx.positionals[0]
    if (dir === undefined || ctx.positionals.length > 1) {
      throw new UsageError('Expected one <DIR>: an export folder', 'verify')
    }
    const report = await verifyDataset(dir, {
      checksums: ctx.values.checksums !== false,
      signal: ctx.signal,
    })
    if (ctx.values.json) {
      await writeText(ctx.io, JSON.stringify(report) + '\n')
    } else {
      const lines = report.problems.map((p) => `${p.kind}: ${p.message}`)
      lines.push(
        `${report.ok ? 'ok' : 'FAILED'}: ${report.runs} runs, ${report.files} files, ${
          report.rows.toLocaleString('en-US')
        } rows, ${formatBytes(report.bytes)}; ${report.problems.length} problems`,
      )
      await writeText(ctx.io, lines.join('\n') + '\n')
    }
    return report.ok ? 0 : 1
  },
}
