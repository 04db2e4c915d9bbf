/**
 * Reports opened in a real headless Chromium: no console errors and no network, every expected
 * chart drawn (canvas not blank), the plotted series hold the points the reducer kept, the
 * planted spike is drawn. A screenshot per report goes to tests/report/out/ (WBX_TEST_OUT).
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { browserSkip, type PageChart, type PageResult, TestBrowser } from './_browser.ts'
import { tempWandbDir, writeTestRun } from './_report_runs.ts'
import { runCli } from '../cli/_run_cli.ts'
import { ColumnReducer } from '../../src/report/column_reducer.ts'
import { REPORT_BUCKETS } from '../../src/report/build_report.ts'
import { LocalRun } from '../../src/local/local_run.ts'

const skip = browserSkip()
const OUT = process.env.WBX_TEST_OUT ?? fileURLToPath(new URL('./out/', import.meta.url))
const SAMPLE = fileURLToPath(new URL('../../samples/wandb/latest-run', import.meta.url))

/** Runs `wbx report` into the output folder and opens the page. */
async function reportPage(
  browser: TestBrowser,
  name: string,
  args: string[],
): Promise<PageResult & { file: string }> {
  mkdirSync(OUT, { recursive: true })
  const file = join(OUT, `${name}.html`)
  const cli = await runCli(['report', ...args, '-o', file])
  assert.equal(cli.code, 0, cli.stderr)
  const page = await browser.open(file, join(OUT, `${name}.png`))
  assert.deepEqual(page.errors, [], 'no console errors or network requests')
  for (const c of page.charts) assert.ok(c.inkPixels > 0, `chart ${c.id} draws a line`)
  return { ...page, file }
}

function chart(page: PageResult, id: string): PageChart {
  const found = page.charts.find((c) => c.id === id)
  assert.ok(found, `chart ${id} among ${page.charts.map((c) => c.id).join(', ')}`)
  return found
}

/** What the reducer keeps of a value function: drawn non-null points. */
function expectedPoints(steps: number, value: (step: number) => number | undefined): number {
  const r = new ColumnReducer({ maxBuckets: REPORT_BUCKETS })
  for (let s = 0; s < steps; s++) {
    const v = value(s)
    if (v !== undefined) r.add(s, v)
  }
  return r.finish().y.filter((v) => v !== null).length
}

describe('reports in headless Chromium', { skip }, () => {
  let browser: TestBrowser
  before(async () => {
    browser = await TestBrowser.launch()
  })
  after(async () => {
    await browser?.close()
  })

  it('the bundled sample: every history and system chart, 300 points, the NaN marked', async () => {
    const page = await reportPage(browser, 'sample', [SAMPLE])
    assert.equal(page.title, 'demo-sgd-300')
    assert.equal(page.runRows, 1)
    assert.deepEqual(chart(page, 'history:train.acc').points, [300])
    assert.deepEqual(chart(page, 'history:lr').points, [300])
    assert.deepEqual(chart(page, 'history:train.loss').points, [299], 'one NaN is a gap')
    assert.deepEqual(chart(page, 'history:val/loss').points, [6])
    assert.deepEqual(chart(page, 'system:system.cpu').points, [9])
    assert.equal(page.charts.filter((c) => c.id.startsWith('system:')).length, 13)
    const marks = await browser.evaluate<unknown>(
      page.file,
      `__wbx.data.charts.find((c) => c.id === 'history:train.loss').series[0].marks`,
    )
    assert.deepEqual(marks, [[150, 'NaN']])
  })

  it('1M steps: the spike at step 812,345 is among the drawn points', async () => {
    const wandb = await tempWandbDir('1m')
    const loss = (s: number) => s === 812_345 ? 1000 : 2 / (1 + s / 20_000) + (s % 7) * 1e-3
    const acc = (s: number) => (s % 10 === 0 ? 1 - loss(s) / 2 : undefined)
    const folder = await writeTestRun(wandb, {
      id: 'big1m',
      name: 'one-million',
      steps: 1_000_000,
      keys: ['train/loss', 'train/acc'],
      value: (k, s) => (k === 'train/loss' ? loss(s) : acc(s)),
      config: { lr: 0.001 },
    })
    const page = await reportPage(browser, 'one-million', [folder])
    assert.deepEqual(chart(page, 'history:train/loss').points, [expectedPoints(1_000_000, loss)])
    assert.deepEqual(chart(page, 'history:train/acc').points, [expectedPoints(1_000_000, acc)])
    const drawn = await browser.evaluate<[number, number] | null>(
      page.file,
      `(() => {
        const p = __wbx.plots.find((p) => p.id === 'history:train/loss').uplot
        const i = p.data[0].indexOf(812345)
        return i < 0 ? null : [p.data[0][i], p.data[1][i]]
      })()`,
    )
    assert.deepEqual(drawn, [812_345, 1000])
  })

  it('a NaN-heavy run: finite points drawn, every NaN/±Infinity counted and marked', async () => {
    const wandb = await tempWandbDir('nan')
    const v = (s: number) =>
      s % 3 === 0 ? NaN : s % 1000 === 1 ? Infinity : s % 1000 === 2 ? -Infinity : Math.sin(s / 50)
    const folder = await writeTestRun(wandb, {
      id: 'nanrun',
      steps: 30_000,
      keys: ['loss', 'exact'],
      value: (k, s) => (k === 'loss' ? v(s) : s < 3000 ? v(s) : undefined),
    })
    const page = await reportPage(browser, 'nan-heavy', [folder])
    assert.deepEqual(chart(page, 'history:loss').points, [expectedPoints(30_000, v)])
    // 3000 steps: 1000 NaN, 2 Infinity, 2 -Infinity (the others fall on NaN steps).
    assert.deepEqual(chart(page, 'history:exact').points, [1996], 'unreduced: every finite point')
    const counts = await browser.evaluate<Record<string, number>[]>(
      page.file,
      `__wbx.data.charts.filter((c) => c.kind === 'history').map((c) => c.series[0].nonFinite)`,
    )
    assert.deepEqual(counts[0], { NaN: 10_000, Infinity: 20, '-Infinity': 20 })
    const exactMarks = await browser.evaluate<number>(
      page.file,
      `__wbx.data.charts.find((c) => c.id === 'history:exact').series[0].marks.length`,
    )
    assert.equal(exactMarks, 1004, 'unreduced: one mark per non-finite value')
  })

  it('GPU system metrics: per-device keys share a chart on the runtime axis', async () => {
    const wandb = await tempWandbDir('gpu')
    const stats = Array.from({ length: 120 }, (_, i) => ({
      seconds: 2 * (i + 1),
      values: {
        'gpu.0.gpu': 50 + (i % 40),
        'gpu.1.gpu': 30 + (i % 20),
        'gpu.0.memoryAllocated': 40 + i / 10,
        'gpu.1.memoryAllocated': 20 + i / 10,
        'gpu.0.temp': 60,
        cpu: 10 + (i % 5),
        memory_percent: 30,
        'network.sent': i * 1000,
      },
    }))
    const folder = await writeTestRun(wandb, {
      id: 'gpurun',
      steps: 500,
      keys: ['loss'],
      value: (_k, s) => 1 / (s + 1),
      stats,
    })
    const page = await reportPage(browser, 'gpu', [folder])
    const gpu = chart(page, 'system:system.gpu.*.gpu')
    assert.deepEqual(gpu.points, [120, 120])
    assert.deepEqual(gpu.labels, ['system.gpu.0.gpu', 'system.gpu.1.gpu'])
    assert.deepEqual(chart(page, 'system:system.gpu.*.memoryAllocated').points, [120, 120])
    assert.deepEqual(chart(page, 'system:system.gpu.*.temp').points, [120])
    assert.deepEqual(chart(page, 'system:system.cpu').points, [120])
    assert.deepEqual(chart(page, 'history:loss').points, [500])
    const sections = await browser.evaluate<string[]>(
      page.file,
      `[...document.querySelectorAll('section.charts h2')].map((h) => h.textContent)`,
    )
    assert.deepEqual(sections, [
      'Charts',
      'System: GPU',
      'System: CPU',
      'System: memory',
      'System: network',
    ])
  })

  it('two LocalRun.toHtml() notebook fragments in one page each draw their own charts', async () => {
    const run = await LocalRun.open(SAMPLE)
    const a = await run.toHtml({ fragment: true })
    const b = await run.toHtml({ fragment: true, keys: ['val'], system: false })
    mkdirSync(OUT, { recursive: true })
    const file = join(OUT, 'notebook.html')
    writeFileSync(
      file,
      `<!doctype html><html><body><h1>cell 1</h1>${a}<h1>cell 2</h1>${b}</body></html>`,
    )
    const page = await browser.open(file, join(OUT, 'notebook.png'))
    assert.deepEqual(page.errors, [])
    assert.deepEqual(page.charts.map((c) => c.id), ['history:val/loss'], 'the last fragment')
    const cells = await browser.evaluate<string[]>(
      file,
      `[...document.querySelectorAll('.wbx-report')].map((r) =>
        r.getAttribute('data-ready') + ':' + r.querySelectorAll('figure.chart canvas').length)`,
    )
    assert.deepEqual(cells, ['true:17', 'true:1'])
  })

  it('a 50-run wandb/ folder: runs table, overlaid lines, config diff, sorting', async () => {
    const wandb = await tempWandbDir('fifty')
    for (let i = 0; i < 50; i++) {
      await writeTestRun(wandb, {
        id: `r${String(i).padStart(2, '0')}`,
        name: `run-${i}`,
        steps: 100 + i,
        keys: ['train/loss', 'val/acc'],
        value: (
          k,
          s,
        ) => (k === 'train/loss' ? (1 + i / 50) / (s + 1) : s % 10 ? undefined : s / 200),
        config: { lr: 0.001 * (i + 1), batch: 32 },
        tags: i % 2 ? ['odd'] : ['even'],
      })
    }
    const page = await reportPage(browser, 'fifty-runs', [wandb])
    assert.equal(page.runRows, 50)
    const loss = chart(page, 'history:train/loss')
    assert.deepEqual(loss.points, Array.from({ length: 50 }, (_, i) => 100 + i))
    assert.equal(loss.labels[7], 'run-7')
    assert.deepEqual(chart(page, 'history:val/acc').points.slice(0, 2), [10, 11])
    const diff = await browser.evaluate<string[]>(page.file, `__wbx.data.configDiff`)
    assert.deepEqual(diff, ['lr'])
    const sorted = await browser.evaluate<string[]>(
      page.file,
      `(() => {
        const t = document.querySelector('table.runs')
        const th = [...t.tHead.rows[0].cells].find((c) => c.textContent === 'config.lr')
        th.click(); th.click()
        return [...t.tBodies[0].rows].slice(0, 3).map((r) => r.cells[0].textContent)
      })()`,
    )
    assert.deepEqual(sorted, ['run-49', 'run-48', 'run-47'], 'sorted by lr, descending')
  })
})
