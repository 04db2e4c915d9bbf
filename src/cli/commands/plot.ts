/** `wbx plot <source> --keys a,b -o chart.svg`: one static SVG line chart of history keys. */
import type { Command } from '../command.ts'
import { intOption, listOption } from '../parse_values.ts'
import { UsageError } from '../usage_error.ts'
import { buildReport } from '../../report/build_report.ts'
import { renderSvgChart, type SvgSeries } from '../../report/svg_chart.ts'
import { writeToPath } from '../../export/write_to_path.ts'
import { chartOptions, outputPath, report, sources, xAxisOption } from './report.ts'
import { oneBatch } from '../../streams/one_batch.ts'

/** The `plot` command. */
export const plotCommand: Command = {
  name: 'plot',
  summary: 'Write one static SVG line chart of history keys (every step, spikes kept)',
  usage: '<source> --keys k1,k2 -o chart.svg [--x-axis _step] [--runs a,b] [options]',
  details: [
    'Draws each key of each run as one line in one chart, reduced per pixel column to the first,',
    'lowest, highest and last value, so no spike is lost; NaN and ±Infinity are marked.',
  ].join('\n'),
  options: {
    output: { type: 'string', short: 'o', valueName: 'PATH', description: 'The SVG file to write' },
    width: { type: 'string', valueName: 'PX', description: 'Width in pixels (default: 800)' },
    height: { type: 'string', valueName: 'PX', description: 'Height in pixels (default: 400)' },
    ...chartOptions,
  },
  async run(ctx) {
    const keys = listOption(ctx.values, 'keys')
    if (!keys) {
      throw new UsageError('Missing --keys: the history keys to plot, e.g. --keys loss', 'plot')
    }
    const out = outputPath(ctx, '.svg')
    const width = intOption(ctx.values, 'width') ?? 800
    const height = intOption(ctx.values, 'height') ?? 400
    const data = await buildReport(sources(ctx, 'plot'), {
      keys,
      xAxis: xAxisOption(ctx),
      system: false,
      maxBuckets: Math.max(2, width * 2),
      signal: ctx.signal,
    })
    const many = data.runs.length > 1
    const series: SvgSeries[] = data.charts.flatMap((c) =>
      c.series.map((s) => ({
        label: many ? `${data.runs[s.run].name} ${s.key}` : s.key,
        x: s.x,
        y: s.y,
        marks: s.marks,
      }))
    )
    if (series.length === 0) {
      throw new Error(`No numeric values for --keys ${keys.join(',')} in ${ctx.positionals[0]}`)
    }
    const title = typeof ctx.values.title === 'string'
      ? ctx.values.title
      : many
      ? `${data.runs.length} runs`
      : data.runs[0].name
    const svg = renderSvgChart(series, { title, xLabel: data.xAxis, width, height })
    const bytes = new TextEncoder().encode(svg)
    await writeToPath(oneBatch(bytes), out, { signal: ctx.signal })
    report(ctx, data.missingKeys, data.runs.flatMap((r) => r.warnings))
    if (ctx.values.quiet !== true) {
      ctx.io.stderr(`wbx: wrote ${out} (${series.length} lines)\n`)
    }
    return 0
  },
}
