/** The report page script alone, in a real headless Chromium, on a page written here. */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ChartSeries, ReportData, ReportRun } from '../../src/report/build_report.ts'
import { PAGE_SCRIPT } from '../../src/report/page_script.ts'
import { UPLOT_CSS, UPLOT_JS } from '../../src/report/uplot_bundle.ts'
import { tempDir } from '../bulk/_project.ts'
import { browserSkip, TestBrowser } from './_browser.ts'

const skip = browserSkip()
let browser: TestBrowser | undefined
const folder = tempDir('page-script')
before(async () => {
  if (!skip) browser = await TestBrowser.launch()
})
after(async () => {
  await browser?.close()
  folder.cleanup()
})

function run(id: string): ReportRun {
  return {
    id,
    name: `run ${id}`,
    path: `/runs/${id}`,
    url: null,
    state: 'finished',
    createdAt: '2026-01-01T00:00:00Z',
    durationSeconds: 125,
    tags: ['t1'],
    notes: null,
    group: null,
    jobType: null,
    config: { lr: id === 'a' ? 0.1 : 0.01 },
    summary: { loss: 0.5 },
    historyRows: 10,
    systemRows: 0,
    warnings: [],
  } as unknown as ReportRun
}

function series(runIndex: number, key: string, ys: (number | null)[]): ChartSeries {
  const finite = ys.filter((y): y is number => y !== null)
  return {
    run: runIndex,
    key,
    label: `run ${runIndex} ${key}`,
    x: ys.map((_, i) => i),
    y: ys,
    marks: ys.flatMap((y, i) => (y === null ? [[i, 'NaN'] as [number, 'NaN']] : [])),
    count: finite.length,
    nonFinite: { NaN: ys.length - finite.length, Infinity: 0, '-Infinity': 0 },
    min: { x: ys.indexOf(Math.min(...finite)), y: Math.min(...finite) },
    max: { x: ys.indexOf(Math.max(...finite)), y: Math.max(...finite) },
    reduced: false,
  }
}

const data: ReportData = {
  title: 'page script check',
  generatedAt: '2026-01-01T00:00:00Z',
  xAxis: '_step',
  runs: [run('a'), run('b')],
  charts: [
    {
      id: 'history:loss',
      section: 'loss',
      title: 'loss',
      kind: 'history',
      xKey: '_step',
      series: [
        series(0, 'loss', [5, 4, 3, null, 2, 1]),
        series(1, 'loss', [6, 5, 4, 3, 2, 1]),
      ],
    },
    {
      id: 'history:acc',
      section: 'acc',
      title: 'acc',
      kind: 'history',
      xKey: '_step',
      series: [series(0, 'acc', [0.1, 0.5, 0.9])],
    },
  ],
  configDiff: ['lr'],
  missingKeys: [],
}

test(
  'PAGE_SCRIPT draws the runs table and one uPlot chart per chart entry, no errors',
  { skip },
  async () => {
    const file = join(folder.dir, 'page.html')
    await writeFile(
      file,
      [
        '<!doctype html><html><head><meta charset="utf-8"><title>page script check</title>',
        `<style>${UPLOT_CSS}</style></head><body><div class="wbx-report">`,
        '<main class="wbx-app"></main>',
        `<script type="application/json" class="wbx-data">${JSON.stringify(data)}</script>`,
        `<script>${UPLOT_JS}</script>`,
        `<script>${PAGE_SCRIPT}</script>`,
        '</div></body></html>',
      ].join('\n'),
    )
    const page = await browser!.open(file)
    assert.deepEqual(page.errors, [])
    assert.equal(page.runRows, 2)
    assert.deepEqual(page.charts.map((c) => c.id), ['history:loss', 'history:acc'])
    const loss = page.charts[0]
    assert.deepEqual(loss.labels, ['run 0 loss', 'run 1 loss'])
    assert.deepEqual(loss.points, [5, 6], 'the NaN point is a break, not a point')
    for (const chart of page.charts) assert.ok(chart.inkPixels > 0, `${chart.id} draws a line`)
    const exposed = await browser!.evaluate<{ title: string; runs: number }>(
      file,
      '({ title: window.__wbx.data.title, runs: window.__wbx.data.runs.length })',
    )
    assert.deepEqual(exposed, { title: 'page script check', runs: 2 })
  },
)
