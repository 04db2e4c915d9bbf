/** `wbx logs <source>`: the console output, after terminal emulation of `\r` rewrites. */
import type { Command } from '../command.ts'
import { sourceOptions } from '../command.ts'
import { openRun, reportDamage } from '../open_run.ts'
import { choiceOption } from '../parse_values.ts'
import { UsageError } from '../usage_error.ts'
import { writeToPath } from '../../export/mod.ts'
import type { ConsoleLine } from '../../local/console_output.ts'

/** The `logs` command. */
export const logsCommand: Command = {
  name: 'logs',
  summary: "Print the run's console output (stdout and stderr, progress-bar rewrites applied)",
  usage: '<source> [--stream stdout|stderr] [--ansi] [-o FILE]',
  details:
    "The text matches the output.log wandb-core writes; --error-prefix marks stderr lines the\nway the legacy Python SDK's output.log did.",
  options: {
    stream: {
      type: 'string',
      valueName: 'stdout|stderr',
      description: 'Only one stream (default: both)',
    },
    ansi: { type: 'boolean', description: 'Keep ANSI colour codes (default: stripped)' },
    'error-prefix': { type: 'boolean', description: 'Start stderr lines with "ERROR "' },
    output: {
      type: 'string',
      short: 'o',
      valueName: 'PATH',
      description: 'Write to PATH (default: stdout)',
    },
    ...sourceOptions,
  },
  async run(ctx) {
    const run = await openRun('logs', ctx.positionals, ctx.values)
    if (ctx.values.format !== undefined) {
      throw new UsageError('logs writes plain text; --format does not apply')
    }
    const lines = run.consoleLines({
      stream: choiceOption(ctx.values, 'stream', ['stdout', 'stderr'] as const),
      ansi: ctx.values.ansi === true ? 'keep' : 'strip',
      errorPrefix: ctx.values['error-prefix'] === true,
      signal: ctx.signal,
    })
    const encoder = new TextEncoder()
    const bytes = lines.pipeThrough(
      new TransformStream<ConsoleLine[], Uint8Array>({
        transform(batch, controller) {
          if (batch.length) {
            controller.enqueue(encoder.encode(batch.map((l) => l.text).join('\n') + '\n'))
          }
        },
      }),
    )
    const output = ctx.values.output
    if (typeof output === 'string' && output !== '-') {
      await writeToPath(bytes, output, { signal: ctx.signal })
    } else {
      await bytes.pipeTo(ctx.io.stdout(), { signal: ctx.signal })
    }
    reportDamage(run, ctx.io)
    return 0
  },
}
