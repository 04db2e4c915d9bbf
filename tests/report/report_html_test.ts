import { it } from 'node:test'
import assert from 'node:assert/strict'
import { escapeHtml, renderReportHtml } from '../../src/report/report_html.ts'
import type { ReportData } from '../../src/report/build_report.ts'

const data: ReportData = {
  title: '<img src=x onerror=alert(1)>',
  generatedAt: '2026-01-01T00:00:00.000Z',
  xAxis: '_step',
  runs: [{
    id: 'r1',
    name: '</script><script>alert(1)</script>',
    path: '/tmp/r1',
    url: null,
    state: 'finished',
    createdAt: null,
    durationSeconds: 1,
    tags: [],
    notes: '<!-- x',
    group: null,
    jobType: null,
    config: { lr: NaN },
    summary: {},
    historyRows: 0,
    systemRows: 0,
    warnings: [],
  }],
  charts: [],
  configDiff: [],
  missingKeys: [],
}

it('run text that looks like markup cannot close the data script or inject elements', () => {
  const html = renderReportHtml(data)
  assert.equal(html.match(/<\/script>/g)!.length, 3, 'data, uPlot and page script only')
  assert.ok(html.includes('<title>&#60;img src=x onerror=alert(1)&#62;</title>'))
  const json = html.match(/class="wbx-data">([\s\S]*?)<\/script>/)![1]
  assert.doesNotMatch(json, /<\/script|<!--/i)
  const back = JSON.parse(json) as ReportData
  assert.equal(back.runs[0].name, data.runs[0].name)
  assert.equal(back.runs[0].notes, '<!-- x')
  assert.equal(back.runs[0].config.lr, 'NaN', 'NaN config values travel as text')
})

it('a fragment has no document shell and keeps its own styles', () => {
  const html = renderReportHtml(data, { fragment: true })
  assert.doesNotMatch(html, /<!doctype|<html[ >]|<head>|<body>/i)
  assert.match(html, /^<div><style>/)
})

it('escapeHtml escapes the five markup characters', () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;',
  )
})
