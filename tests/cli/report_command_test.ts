/** `wbx report` and `wbx plot` end to end: local folders, a wandb/ folder, a server's runs and project. */
import process from 'node:process'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from './_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { tempWandbDir, writeTestRun } from '../report/_report_runs.ts'

const SAMPLE = 'samples/wandb/latest-run'
const out = mkdtempSync(join(tmpdir(), 'wbx-report-cli-'))
let server: TestServer
let wandb: string
const savedEnv: Record<string, string | undefined> = {}

interface Data {
  title: string
  xAxis: string
  runs: { id: string; name: string; warnings: string[]; durationSeconds: number | null }[]
  charts: {
    id: string
    series: { run: number; x: number[]; y: (number | null)[]; count: number }[]
  }[]
  missingKeys: string[]
}

function pageData(file: string): Data {
  const html = readFileSync(file, 'utf8')
  const m = html.match(/<script type="application\/json" class="wbx-data">([\s\S]*?)<\/script>/)
  assert.ok(m, `${file} carries its data`)
  return JSON.parse(m[1])
}

async function report(args: string[]): Promise<{ data: Data; stderr: string }> {
  const file = join(out, `r${Math.random().toString(36).slice(2)}.html`)
  const r = await runCli(['report', ...args, '-o', file])
  assert.equal(r.code, 0, r.stderr)
  return { data: pageData(file), stderr: r.stderr }
}

before(async () => {
  wandb = await tempWandbDir('cli')
  for (const [i, id] of ['aaa1', 'bbb2'].entries()) {
    await writeTestRun(wandb, {
      id,
      name: `gen-${id}`,
      project: 'wbx-demo',
      steps: 2000,
      keys: ['train/loss', 'val/acc'],
      value: (k, s) => (k === 'train/loss' ? (i + 1) / (s + 1) : s % 100 ? undefined : s / 2000),
      config: { lr: 0.01 * (i + 1) },
    })
  }
  server = await startTestServer()
  await server.addLocalRun(SAMPLE, { entity: 'demo-team' })
  for (const id of ['aaa1', 'bbb2']) {
    await server.addLocalRun(join(wandb, `run-20260101_000000-${id}`), { entity: 'demo-team' })
  }
  for (const name of ['WANDB_BASE_URL', 'WANDB_API_KEY']) savedEnv[name] = process.env[name]
  process.env.WANDB_BASE_URL = server.baseUrl
  process.env.WANDB_API_KEY = server.apiKey
})

after(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await server.stop()
})

describe('wbx report', () => {
  it('a local run folder: every history and system chart, and a result line', async () => {
    const { data, stderr } = await report([SAMPLE])
    assert.equal(data.runs.length, 1)
    assert.equal(data.runs[0].durationSeconds, 4)
    const loss = data.charts.find((c) => c.id === 'history:train.loss')!
    assert.equal(loss.series[0].count, 299)
    assert.equal(loss.series[0].x.length, 300)
    assert.ok(data.charts.some((c) => c.id === 'system:system.cpu'))
    assert.match(stderr, /wbx: wrote .*\.html \(1 runs, 17 charts, \d+ points, [\d.]+ KB\)/)
  })

  it('the same run on a server, by path and by URL, draws the same history', async () => {
    const local = (await report([SAMPLE, '--no-system'])).data
    for (
      const source of [
        'demo-team/wbx-demo/wbxdemo1',
        `${server.baseUrl}/demo-team/wbx-demo/runs/wbxdemo1`,
      ]
    ) {
      const { data, stderr } = await report([source])
      const ids = (d: Data) => d.charts.filter((c) => c.id.startsWith('history:')).map((c) => c.id)
      assert.deepEqual(ids(data).sort(), ids(local).sort(), source)
      for (const c of local.charts) {
        const remote = data.charts.find((r) => r.id === c.id)!
        assert.deepEqual(remote.series[0].x, c.series[0].x, c.id)
        assert.deepEqual(remote.series[0].y, c.series[0].y, c.id)
      }
      assert.match(stderr, /system metrics sampled \(10 rows\)/)
    }
  })

  it('a project: every run, --runs picks by id or name, --max-runs stops early', async () => {
    const all = (await report(['demo-team/wbx-demo', '--keys', 'train'])).data
    assert.deepEqual(all.runs.map((r) => r.id).sort(), ['aaa1', 'bbb2', 'wbxdemo1'])
    assert.equal(all.title, '3 runs')
    const picked = (await report(['demo-team/wbx-demo', '--runs', 'gen-bbb2,wbxdemo1'])).data
    assert.deepEqual(picked.runs.map((r) => r.id).sort(), ['bbb2', 'wbxdemo1'])
    const { data, stderr } = await report(['demo-team/wbx-demo', '--max-runs', '1'])
    assert.equal(data.runs.length, 1)
    assert.match(stderr, /only the first 1 runs are drawn/)
  })

  it('a wandb/ folder overlays its runs; --keys, --x-axis and --title apply', async () => {
    const { data, stderr } = await report([
      wandb,
      '--keys',
      'train/,nope',
      '--x-axis',
      'val/acc',
      '--title',
      'Sweep',
    ])
    assert.equal(data.title, 'Sweep')
    assert.equal(data.xAxis, 'val/acc')
    const loss = data.charts.find((c) => c.id === 'history:train/loss')!
    assert.deepEqual(loss.series.map((s) => s.run), [0, 1])
    assert.deepEqual(loss.series[0].x, Array.from({ length: 20 }, (_, i) => i * 100 / 2000))
    assert.deepEqual(data.missingKeys, ['nope'])
    assert.match(stderr, /keys never logged: nope/)
  })

  it('--x-axis _timestamp puts history and system metrics on the wall clock', async () => {
    const { data } = await report([SAMPLE, '--x-axis', '_timestamp'])
    const lr = data.charts.find((c) => c.id === 'history:lr')!
    const cpu = data.charts.find((c) => c.id === 'system:system.cpu')!
    assert.equal((cpu as unknown as { xKey: string }).xKey, '_timestamp')
    assert.ok(lr.series[0].x[0] > 1.7e9 && cpu.series[0].x[0] > 1.7e9, 'seconds since 1970')
    assert.equal(lr.series[0].x.length, 300)
  })

  it('usage errors exit 2; a --runs filter that matches nothing exits 1 and says so', async () => {
    const noOut = await runCli(['report', SAMPLE])
    assert.equal(noOut.code, 2)
    assert.match(noOut.stderr, /Missing -o PATH/)
    const none = await runCli(['report', wandb, '--runs', 'zzz', '-o', join(out, 'none.html')])
    assert.equal(none.code, 1)
    assert.match(none.stderr, /No run in .* has an id or name in --runs zzz/)
  })
})

describe('wbx plot', () => {
  it('writes one SVG with a path per key and run, every drawn point in it', async () => {
    const file = join(out, 'plot.svg')
    const r = await runCli(['plot', wandb, '--keys', 'train/loss', '-o', file, '--width', '600'])
    assert.equal(r.code, 0, r.stderr)
    const svg = readFileSync(file, 'utf8')
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="600" height="400"/)
    const paths = [...svg.matchAll(/<path d="([^"]+)" fill="none"[^>]*data-series="([^"]+)"/g)]
    assert.deepEqual(paths.map((p) => p[2]), ['gen-aaa1 train/loss', 'gen-bbb2 train/loss'])
    for (const [, d] of paths) assert.equal(d.split(/[ML]/).length - 1, 2000, 'all 2000 steps')
  })

  it('needs --keys', async () => {
    const r = await runCli(['plot', SAMPLE, '-o', join(out, 'x.svg')])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /Missing --keys/)
  })
})
