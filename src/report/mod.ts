/**
 * Charts of runs: the streaming per-pixel-column reducer, report data, the self-contained HTML
 * page, static SVG charts and terminal sparklines.
 *
 * @module
 */
export {
  ColumnReducer,
  type ColumnReducerOptions,
  type NonFiniteKind,
  type NonFiniteMark,
  type ReducedSeries,
} from './column_reducer.ts'
export { reduceRows, type ReduceRowsOptions, type SeriesSet } from './series_set.ts'
export {
  buildReport,
  type BuildReportOptions,
  type Chart,
  type ChartSeries,
  REPORT_BUCKETS,
  type ReportData,
  type ReportRun,
} from './build_report.ts'
export {
  localReportSource,
  readerReportSource,
  remoteReportSource,
  type ReportSource,
  type RunFacts,
} from './report_source.ts'
export { renderReportHtml, type RenderReportOptions } from './report_html.ts'
export { renderSvgChart, type SvgChartOptions, type SvgSeries } from './svg_chart.ts'
export { sparkline, sparklineLines } from './sparkline.ts'
