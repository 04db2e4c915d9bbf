/** `wbx report <source> -o report.html`: every curve of one or many runs in one offline HTML file. */
import type { Command, CommandContext, OptionSpec } from '../command.ts'
import { sourceOptions } from '../command.ts'
import { intOption, listOption } from '../parse_values.ts'
import { formatBytes } from '../progress.ts'
import { UsageError } from '../usage_error.ts'
import { reportSources } from '../report_sources.ts'
import { buildReport, describeReport } from '../../report/build_report.ts'
import { renderReportHtml } from '../../report/report_html.ts'
import { writeToPath } from '../../export/write_to_path.ts'
import { oneBatch } from '../../streams/one_batch.ts'

/** The options `report` and `plot` share: which runs and keys, and the x axis. */
export const chartOptions: Record<string, OptionSpec> = {
  keys: {
    type: 'string',
    multiple: true,
    valueName: 'k1,k2',
    description: 'Only these history keys (exact, or a prefix such as train/)',
  },
  'x-axis': {
    type: 'string',
    valueName: '_step|_runtime|_timestamp|KEY',
    description: 'What history is plotted against (default: _step)',
  },
  runs: {
    type: 'string',
    multiple: true,
    valueName: 'ID,NAME',
    description: 'Only these runs of a wandb/ folder or project (ids or names)',
  },
  'max-runs': {
    type: 'string',
    valueName: 'N',
    description: 'Most runs drawn from a folder or project (default: 100)',
  },
  title: { type: 'string', valueName: 'TEXT', description: 'Page or chart title' },
  quiet: { type: 'boolean', short: 'q', description: 'No progress or result line on stderr' },
  ...sourceOptions,
}

/** The `report` command. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'Write a self-contained HTML report (every step charted, config, summary, runs table)',
  usage: '<source> -o report.html [--keys k1,k2] [--x-axis _step] [--runs a,b] [options]',
  details: [
    '<source> is a run folder, a .wandb file, a wandb/ folder, entity/project, or a run path/URL.',
    'The file works offline: uPlot and the data are inlined. Lines with more points than pixels keep',
    "each pixel column's first, lowest, highest and last value, so no spike is lost; NaN and",
    '±Infinity are marked where they were logged.',
  ].join('\n'),
  options: {
    output: {
      type: 'string',
      short: 'o',
      valueName: 'PATH',
      description: 'The HTML file to write',
    },
    system: { type: 'boolean', description: 'Chart system metrics (default; --no-system skips)' },
    ...chartOptions,
  },
  async run(ctx) {
    const out = outputPath(ctx, '.html')
    const data = await buildReport(sources(ctx), {
      title: typeof ctx.values.title === 'string' ? ctx.values.title : undefined,
      keys: listOption(ctx.values, 'keys'),
      xAxis: xAxisOption(ctx),
      system: ctx.values.system !== false,
      signal: ctx.signal,
      onRun: (facts, i) => {
        if (ctx.io.stderrIsTTY && ctx.values.quiet !== true) {
          ctx.io.stderr(`wbx: read run ${facts.id} (${i + 1})\n`)
        }
      },
    })
    const html = new TextEncoder().encode(renderReportHtml(data))
    await writeToPath(oneBatch(html), out, { signal: ctx.signal })
    report(ctx, data.missingKeys, data.runs.flatMap((r) => r.warnings))
    if (ctx.values.quiet !== true) {
      const d = describeReport(data)
      ctx.io.stderr(
        `wbx: wrote ${out} (${d.runs} runs, ${d.charts} charts, ${d.points} points, ${
          formatBytes(html.length)
        })\n`,
      )
    }
    return 0
  },
}

/** The report sources of a command's `<source>` with its run filters. */
export function sources(
  ctx: CommandContext,
  command = 'report',
): ReturnType<typeof reportSources> {
  const source = ctx.positionals[0]
  if (source === undefined) {
    throw new UsageError(
      'Missing <source>: pass a run folder, a wandb/ folder, entity/project, or a run path or URL',
      command,
    )
  }
  if (ctx.positionals.length > 1) {
    throw new UsageError(
      `Expected one <source>, got ${ctx.positionals.length}: ${ctx.positionals.join(' ')}`,
      command,
    )
  }
  const maxRuns = intOption(ctx.values, 'max-runs')
  if (maxRuns !== undefined && maxRuns < 1) {
    throw new UsageError(`--max-runs must be at least 1, got ${maxRuns}`)
  }
  return reportSources(command, source, ctx.values, {
    runs: listOption(ctx.values, 'runs'),
    maxRuns,
    onLimit: (note) => ctx.io.stderr(`wbx: ${note}\n`),
    signal: ctx.signal,
  })
}

/** The --x-axis value. */
export function xAxisOption(ctx: CommandContext): string | undefined {
  const x = ctx.values['x-axis']
  if (x === undefined) return undefined
  if (typeof x !== 'string' || x.trim() === '') {
    throw new UsageError('--x-axis needs a key: _step, _runtime, _timestamp or a metric')
  }
  return x.trim()
}

/** The -o path, required, with the expected extension. */
export function outputPath(ctx: CommandContext, ext: string): string {
  const out = ctx.values.output
  if (typeof out !== 'string' || out === '' || out === '-') {
    throw new UsageError(`Missing -o PATH: the ${ext.slice(1).toUpperCase()} file to write`)
  }
  return out
}

/** Prints keys never logged and the runs' warnings on stderr. */
export function report(ctx: CommandContext, missing: string[], warnings: string[]): void {
  if (missing.length) ctx.io.stderr(`wbx: keys never logged: ${missing.join(', ')}\n`)
  for (const w of warnings) ctx.io.stderr(`wbx: warning: ${w}\n`)
}
