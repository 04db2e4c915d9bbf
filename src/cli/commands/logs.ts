/** `wbx logs <source>`: the console output, after terminal emulation of `\r` rewrites. */
import type { Command } from '../command.ts'
import { sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run_source.ts'
import { fileInFolder, isFolderOutput } from '../output_path.ts'
import { choiceOption } from '../parse_values.ts'
import { Progress, readMeter } from '../progress.ts'
import { FollowIdleError } from '../../follow_idle_error.ts'
import { writeToPath } from '../../export/mod.ts'
import { followOptions, startFollowing } from '../follow_output.ts'

/** The `logs` command. */
export const logsCommand: Command = {
  name: 'logs',
  summary: "Print the run's console output (stdout and stderr, progress-bar rewrites applied)",
  usage: '<source> [-f] [--stream stdout|stderr] [--ansi] [-o FILE] [-q]',
  details: [
    "Local runs: with --ansi, the run's output.log byte for byte where the SDK wrote it",
    'deterministically (wandb-core, SDK 0.10-0.12 and pre-0.10 runs; docs/local-runs.md);',
    "--error-prefix marks stderr lines the way the legacy Python SDK's uploaded log did.",
    "Remote runs: the run's output.log.",
    'With -f, local runs print lines as wandb-core flushes its .wandb file and stop when the run',
    "ends; remote runs wait for the run to end (the server serves a live run's console output",
    'only once output.log is uploaded), then print it. --idle-timeout stops with exit 3.',
  ].join('\n'),
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
    quiet: { type: 'boolean', short: 'q', description: 'No progress line on stderr' },
    ...followOptions,
    ...sourceOptions,
  },
  async run(ctx) {
    const stream = choiceOption(ctx.values, 'stream', ['stdout', 'stderr'] as const)
    const following = startFollowing(ctx, 'logs')
    const follow = following.selection
    const run = await openRun('logs', ctx.positionals, ctx.values, ctx.signal, ctx.retries)
    const output = ctx.values.output
    const toFile = typeof output === 'string' && output !== '-'
    // A local run read to its end: a progress line as bytes of its log read (not while the
    // lines go to the same terminal, nor for a followed log, which grows).
    const drawing = ctx.values.quiet !== true && ctx.io.stderrIsTTY &&
      (toFile || !ctx.io.stdoutIsTTY)
    const read = drawing && !follow ? readMeter(run.logBytes) : undefined
    const progress = read && new Progress('logs', ctx.io.stderr, { read, unit: 'lines' })
    let bytes = await run.logs({
      stream,
      ansi: ctx.values.ansi === true,
      errorPrefix: ctx.values['error-prefix'] === true,
      signal: ctx.signal,
      follow,
      onRead: read?.update,
    }).catch((err) => {
      if (!follow || !(err instanceof FollowIdleError)) throw err
      following.outcome.error = err
      return new ReadableStream<Uint8Array>({ start: (c) => c.close() })
    })
    bytes = following.endOnIdle(bytes)
    if (progress) {
      bytes = bytes.pipeThrough(progress.countLines()).pipeThrough(progress.countBytes())
    }
    try {
      if (toFile) {
        const path = isFolderOutput(output) ? fileInFolder(output, 'logs', run.id, 'log') : output
        await writeToPath(bytes, path, { signal: ctx.signal })
      } else await bytes.pipeTo(ctx.io.stdout(), { signal: ctx.signal })
    } catch (err) {
      progress?.abandon()
      throw err
    }
    progress?.finish()
    printWarnings(run, ctx.io)
    return following.finish()
  },
}
