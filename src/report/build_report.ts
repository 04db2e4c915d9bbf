/**
 * Builds the data of a report from runs: each run's history and system metrics reduced per pixel
 * column (one run at a time, so memory grows with runs × keys × buckets, never with steps), then
 * grouped into charts by key prefix, plus the run context and the config keys that differ.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { NonFiniteKind, ReducedSeries } from './column_reducer.ts'
import type { ReportSource, RunFacts } from './report_source.ts'
import { keyMatches, reduceRows } from './series_set.ts'
import { configDiff } from './config_diff.ts'
import { historySection, systemChartKey, systemSection } from './chart_groups.ts'

/** Buckets per series in a report: 500 to 1000 columns, up to 4 points each. */
export const REPORT_BUCKETS = 1000

/** Options of buildReport. */
export interface BuildReportOptions {
  /** Page title. @default the run name, or "N runs" */
  title?: string
  /** History keys to chart (exact, or a prefix ending at `.` or `/`); default every numeric key. */
  keys?: string[]
  /** What history is plotted against: `_step`, `_runtime`, `_timestamp` or a metric. @default '_step' */
  xAxis?: string
  /** Chart system metrics too. @default true */
  system?: boolean
  /** Buckets per series (a chart is about 400-600 CSS pixels wide). @default REPORT_BUCKETS */
  maxBuckets?: number
  /** Most history keys per run. @default 500 */
  maxKeys?: number
  /** Called after each run is read (progress). */
  onRun?: (facts: RunFacts, index: number) => void
  /** Cancels the build. */
  signal?: AbortSignal
}

/** One line in a chart: one key of one run, reduced. */
export interface ChartSeries {
  /** Index into `ReportData.runs`. */
  run: number
  /** The history or system key. */
  key: string
  /** Legend text (run name, key, or both). */
  label: string
  /** x of each drawn point, ascending. */
  x: number[]
  /** y of each drawn point; null where a non-finite value breaks the line. */
  y: (number | null)[]
  /** Non-finite values as [x, kind]. */
  marks: [number, NonFiniteKind][]
  /** Finite values read. */
  count: number
  /** Non-finite values read, by kind. */
  nonFinite: Record<NonFiniteKind, number>
  /** Lowest finite value and where. */
  min: { x: number; y: number } | null
  /** Highest finite value and where. */
  max: { x: number; y: number } | null
  /** Whether points were reduced per pixel column. */
  reduced: boolean
}

/** One chart. */
export interface Chart {
  /** `history:<key>` or `system:<key>`. */
  id: string
  /** Heading the chart is grouped under (`train`, `val`, `System: GPU`...). */
  section: string
  /** Chart title: the key (system keys with `*` for a device index). */
  title: string
  /** History metrics or system metrics. */
  kind: 'history' | 'system'
  /** The key on the x axis. */
  xKey: string
  /** The lines, one per key and run. */
  series: ChartSeries[]
}

/** One run's row in the report. */
export interface ReportRun extends RunFacts {
  /** History rows read. */
  historyRows: number
  /** System-metric rows read. */
  systemRows: number
  /** Notes about the run (damage, sampling, keys left out). */
  warnings: string[]
}

/** Everything a report page shows. */
export interface ReportData {
  /** Page title. */
  title: string
  /** When the report was built, ISO 8601. */
  generatedAt: string
  /** The history x axis. */
  xAxis: string
  /** The runs, in the order read. */
  runs: ReportRun[]
  /** Every chart, history first in key order. */
  charts: Chart[]
  /** Flattened config keys whose values differ across runs. */
  configDiff: string[]
  /** History keys requested with --keys that no run logged. */
  missingKeys: string[]
}

/** Reads every source in turn and builds the report data; see the module doc. */
export async function buildReport(
  sources: AsyncIterable<ReportSource> | Iterable<ReportSource>,
  options: BuildReportOptions = {},
): Promise<ReportData> {
  const xAxis = options.xAxis ?? '_step'
  const systemX = xAxis === '_timestamp' ? '_timestamp' : '_runtime'
  const runs: ReportRun[] = []
  const charts = new Map<string, Chart>()
  const seenKeys = new Set<string>()
  const add = (
    kind: 'history' | 'system',
    chartKey: string,
    xKey: string,
    series: ChartSeries,
  ): void => {
    const id = `${kind}:${chartKey}`
    let chart = charts.get(id)
    if (!chart) {
      chart = {
        id,
        section: kind === 'history' ? historySection(chartKey) : systemSection(chartKey),
        title: chartKey,
        kind,
        xKey,
        series: [],
      }
      charts.set(id, chart)
    }
    chart.series.push(series)
  }
  for await (const source of sources) {
    options.signal?.throwIfAborted()
    const index = runs.length
    const history = await reduceRows(source.history(options.signal), {
      xKey: xAxis,
      keys: options.keys,
      maxKeys: options.maxKeys,
      maxBuckets: options.maxBuckets ?? REPORT_BUCKETS,
      signal: options.signal,
    })
    for (const [key, reduced] of history.series) {
      seenKeys.add(key)
      add('history', key, xAxis, chartSeries(index, key, source.facts.name, reduced))
    }
    let systemRows = 0
    if (options.system ?? true) {
      const system = await reduceRows(await source.systemMetrics(options.signal), {
        xKey: systemX,
        maxBuckets: options.maxBuckets ?? REPORT_BUCKETS,
        signal: options.signal,
      })
      systemRows = system.rows
      for (const [key, reduced] of system.series) {
        if (key === '_runtime' || key === '_timestamp') continue
        add(
          'system',
          systemChartKey(key),
          systemX,
          chartSeries(index, key, source.facts.name, reduced),
        )
      }
    }
    const warnings = source.warnings()
    if (history.droppedKeys.length) {
      warnings.push(
        `${history.droppedKeys.length} history keys past the first ${
          options.maxKeys ?? 500
        } are not charted (pick keys with --keys): ${history.droppedKeys.slice(0, 5).join(', ')}${
          history.droppedKeys.length > 5 ? ', ...' : ''
        }`,
      )
    }
    runs.push({ ...source.facts, historyRows: history.rows, systemRows, warnings })
    options.onRun?.(source.facts, index)
  }
  const list = [...charts.values()]
  for (const chart of list) {
    const keys = new Set(chart.series.map((s) => s.key)).size
    const many = new Set(chart.series.map((s) => s.run)).size > 1
    for (const s of chart.series) {
      const name = runs[s.run].name
      s.label = keys === 1 ? name : many ? `${name} · ${s.key}` : s.key
    }
  }
  const missingKeys = (options.keys ?? []).filter((k) =>
    ![...seenKeys].some((s) => keyMatches(s, k))
  )
  return {
    title: options.title ?? (runs.length === 1 ? runs[0].name : `${runs.length} runs`),
    generatedAt: new Date().toISOString(),
    xAxis,
    runs,
    charts: list,
    configDiff: configDiff(runs.map((r) => r.config)),
    missingKeys,
  }
}

function chartSeries(run: number, key: string, label: string, r: ReducedSeries): ChartSeries {
  return {
    run,
    key,
    label,
    x: r.x,
    y: r.y,
    marks: r.marks.map((m) => [m.x, m.kind]),
    count: r.count,
    nonFinite: r.nonFinite,
    min: r.min,
    max: r.max,
    reduced: r.reduced,
  }
}

/** The summary of a ReportData the CLI prints: runs, charts, drawn points. */
export function describeReport(data: ReportData): Row {
  let points = 0
  for (const c of data.charts) for (const s of c.series) points += s.x.length
  return { runs: data.runs.length, charts: data.charts.length, points }
}
