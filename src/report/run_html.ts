/** The self-contained HTML view of one local run, for `LocalRun.toHtml()` and notebooks. */
import type { LocalRun } from '../local/local_run.ts'
import { buildReport, type BuildReportOptions } from './build_report.ts'
import { renderReportHtml } from './report_html.ts'
import { localReportSource } from './report_source.ts'

/** Options of `LocalRun.toHtml()`. */
export interface LocalRunHtmlOptions
  extends Pick<BuildReportOptions, 'title' | 'keys' | 'xAxis' | 'system' | 'signal'> {
  /** Only the view (styles, data, scripts) without html/head, to embed in a page or notebook. @default false */
  fragment?: boolean
}

/** Builds the run's report and renders it as HTML; see LocalRunHtmlOptions. */
export async function localRunHtml(
  run: LocalRun,
  options: LocalRunHtmlOptions = {},
): Promise<string> {
  const { fragment, ...build } = options
  const data = await buildReport([localReportSource(run)], build)
  return renderReportHtml(data, { fragment })
}
