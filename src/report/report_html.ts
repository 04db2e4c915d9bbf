/**
 * Renders report data as one self-contained HTML page: uPlot, its stylesheet, the page script
 * and the data inlined, nothing fetched at view time.
 *
 * @module
 */
import { stringifyJson } from '../json/stringify_json.ts'
import { VERSION } from '../version.ts'
import type { ReportData } from './build_report.ts'
import { PAGE_SCRIPT } from './page_script.ts'
import { UPLOT_CSS, UPLOT_JS, UPLOT_VERSION } from './uplot_bundle.ts'

const PAGE_CSS = `
:root { color-scheme: light; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0 auto; max-width: 1240px; padding: 16px 24px 48px; color: #1d1d1f; background: #fff; }
h1 { font-size: 22px; margin: 8px 0 2px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
h3 { font-size: 14px; margin: 14px 0 6px; } .meta { color: #666; margin: 0 0 12px; }
table { border-collapse: collapse; font-size: 12.5px; } th, td { border: 1px solid #e3e3e3; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; cursor: pointer; user-select: none; white-space: nowrap; }
th[data-sort=asc]::after { content: " \\25B2"; } th[data-sort=desc]::after { content: " \\25BC"; }
td { max-width: 420px; overflow-wrap: anywhere; } .scroll { overflow-x: auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; } dt { color: #666; } dd { margin: 0; }
details.run { margin: 8px 0; } details.run > summary { cursor: pointer; font-weight: 600; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
figure.chart { margin: 0; border: 1px solid #e6e6e6; border-radius: 6px; padding: 8px; overflow: hidden; }
figcaption { font-weight: 600; font-size: 13px; margin-bottom: 4px; overflow-wrap: anywhere; }
.stats { color: #666; font-size: 11.5px; margin: 4px 0 0; } .warn { color: #a15c00; }
.legend-marks { color: #666; font-size: 12px; }
.kvs { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
`

/** Options of renderReportHtml. */
export interface RenderReportOptions {
  /** Only the body content (for notebooks embedding the view), no html/head. @default false */
  fragment?: boolean
}

/** The report page's HTML text; see the module doc. */
export function renderReportHtml(data: ReportData, options: RenderReportOptions = {}): string {
  const json = scriptSafe(stringifyJson(data, { nan: 'string' }))
  const runs = data.runs.length
  const meta = `${runs} run${runs === 1 ? '' : 's'} · ${data.charts.length} charts · x axis ${
    escapeHtml(data.xAxis)
  } · generated ${escapeHtml(data.generatedAt)} by wbx ${VERSION}`
  const legend =
    'Every point is read; a line with more points than pixels keeps each pixel column\u2019s first, lowest, highest and last value. ' +
    'Markers: \u25BC red NaN, \u25BC orange +Infinity (top), \u25B2 violet \u2212Infinity (bottom); the line breaks at each.'
  const body = [
    `<header><h1>${escapeHtml(data.title)}</h1><p class="meta">${meta}</p>`,
    `<p class="legend-marks">${legend}</p></header>`,
    '<main class="wbx-app"></main>',
    `<script type="application/json" class="wbx-data">${json}</script>`,
    `<script>/*! uPlot ${UPLOT_VERSION} | (c) Leon Sorokin | MIT | https://github.com/leeoniya/uPlot */\n${
      scriptSafe(UPLOT_JS)
    }</script>`,
    `<script>${scriptSafe(PAGE_SCRIPT)}</script>`,
  ].join('\n')
  const style = `<style>${UPLOT_CSS}</style>\n<style>${PAGE_CSS}</style>`
  const report = `<div class="wbx-report">\n${body}\n</div>`
  if (options.fragment) return `<div>${style}\n${report}</div>`
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="wbx ${VERSION}">`,
    `<title>${escapeHtml(data.title)}</title>`,
    style,
    '</head>',
    '<body>',
    report,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Keeps text inside a `<script>` element from closing it or opening a comment. */
function scriptSafe(text: string): string {
  return text.replace(/<(?=\/script|!--)/gi, '\\u003c')
}
