import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as mod from '../../src/report/mod.ts'
import { ColumnReducer } from '../../src/report/column_reducer.ts'
import { reduceRows } from '../../src/report/series_set.ts'
import { buildReport, REPORT_BUCKETS } from '../../src/report/build_report.ts'
import {
  localReportSource,
  readerReportSource,
  remoteReportSource,
} from '../../src/report/report_source.ts'
import { renderReportHtml } from '../../src/report/report_html.ts'
import { renderSvgChart } from '../../src/report/svg_chart.ts'
import { sparkline, sparklineLines } from '../../src/report/sparkline.ts'

test('report/mod.ts re-exports the report API, each from its own file', () => {
  const expected: Record<string, unknown> = {
    ColumnReducer,
    reduceRows,
    buildReport,
    REPORT_BUCKETS,
    localReportSource,
    readerReportSource,
    remoteReportSource,
    renderReportHtml,
    renderSvgChart,
    sparkline,
    sparklineLines,
  }
  for (const [name, value] of Object.entries(expected)) {
    assert.equal((mod as Record<string, unknown>)[name], value, name)
  }
})
