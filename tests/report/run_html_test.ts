import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { LocalRun } from '../../src/local/local_run.ts'
import { UPLOT_VERSION } from '../../src/report/uplot_bundle.ts'

const SAMPLE = fileURLToPath(new URL('../../samples/wandb/latest-run', import.meta.url))

/** The report data a page carries. */
function pageData(html: string): { title: string; charts: { id: string }[]; runs: unknown[] } {
  const m = html.match(/<script type="application\/json" class="wbx-data">([\s\S]*?)<\/script>/)
  assert.ok(m, 'the page carries its data')
  return JSON.parse(m[1])
}

describe('LocalRun.toHtml()', () => {
  it('is one self-contained page: uPlot inlined, nothing fetched, every chart in the data', async () => {
    const run = await LocalRun.open(SAMPLE)
    const html = await run.toHtml()
    assert.match(html, /^<!doctype html>/)
    assert.ok(html.includes(`uPlot ${UPLOT_VERSION}`), 'uPlot is inlined with its licence line')
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|@import|url\(http/i)
    const data = pageData(html)
    assert.equal(data.title, 'demo-sgd-300')
    assert.ok(data.charts.some((c) => c.id === 'history:train.loss'))
    assert.ok(data.charts.some((c) => c.id === 'system:system.cpu'))
  })

  it('takes keys, an x axis and a title; text that looks like HTML stays text', async () => {
    const run = await LocalRun.open(SAMPLE)
    const html = await run.toHtml({
      keys: ['val'],
      xAxis: '_runtime',
      system: false,
      title: '</script><b>x',
    })
    const data = pageData(html)
    assert.deepEqual(data.charts.map((c) => c.id), ['history:val/loss'])
    assert.equal(data.title, '</script><b>x')
    assert.ok(html.includes('<title>&#60;/script&#62;&#60;b&#62;x</title>'))
  })

  it("answers Deno's Jupyter display with an HTML fragment", async () => {
    const run = await LocalRun.open(SAMPLE)
    const display = (run as unknown as Record<symbol, () => Promise<Record<string, string>>>)[
      Symbol.for('Jupyter.display')
    ]
    const bundle = await display.call(run)
    assert.equal(bundle['text/plain'], 'LocalRun wbxdemo1 (demo-sgd-300, finished)')
    assert.doesNotMatch(bundle['text/html'], /<!doctype|<html/i)
    assert.match(bundle['text/html'], /class="wbx-report"/)
    assert.equal(pageData(bundle['text/html']).runs.length, 1)
  })
})
