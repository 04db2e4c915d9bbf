/**
 * Issue 10 item 6: history pages that miss rows, come back empty, carry string `_step`s or two
 * different rows for one step are an error naming the run (and step), for `scanHistory`, `wbx
 * history` and bulk export (the run is set aside); with `onShortfall: 'report'` /
 * `--allow-shortfall` the rows that came are kept and each problem is reported. Reads that cannot
 * know the count (a keys filter, a step range, a running run, sampled history) are not errors.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { Api, HistoryShortfallError, type Row } from '../../mod.ts'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { runCli } from '../cli/_run_cli.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import {
  conflictingSteps,
  dropHistoryRows,
  forRun,
  type HostileRule,
  type HostileServer,
  startHostileServer,
  stringSteps,
} from './_hostile_server.ts'

let server: TestServer
let proxy: HostileServer
const dirs: string[] = []

before(async () => {
  server = await startTestServer()
  server.addRun(
    generateRun({ entity: 'e', project: 'p', id: 'r1', steps: 300, parquetExport: false }),
  )
  server.addRun(generateRun({
    entity: 'e',
    project: 'p',
    id: 'live',
    steps: 300,
    state: 'running',
    parquetExport: false,
  }))
  proxy = await startHostileServer(server)
})

after(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  await proxy.stop()
  await server.stop()
})

const api = () => new Api({ baseUrl: proxy.baseUrl, apiKey: proxy.apiKey, retryWaitMinMs: 5 })

/** Reads a scan to its end. */
async function readAll(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) rows.push(...batch)
  return rows
}

/** Runs `body` with `rule` (limited to run `id`) in place. */
async function withRule<T>(rule: HostileRule, id: string, body: () => Promise<T>): Promise<T> {
  const handle = proxy.rule({ ...rule, when: forRun(id) })
  try {
    return await body()
  } finally {
    handle.remove()
  }
}

const dropTenth = dropHistoryRows((step) => step % 10 === 3)
const emptyPage: HostileRule = {
  operation: 'HistoryPage',
  json: (value, req) => {
    if (req.variables?.minStep === 100) value.data.project.run.history = []
    return value
  },
}

test('a clean full scan passes and reads every declared row', async () => {
  const run = await api().run('e/p/r1')
  assert.equal(run.historyLineCount, 300)
  assert.equal((await readAll(run.scanHistory({ pageSize: 50 }))).length, 300)
})

for (
  const [label, rule, pattern] of [
    [
      '10% of rows dropped',
      dropTenth,
      /History of e\/p\/r1 is short: the server declares 300 rows \(historyLineCount\) but its pages held 270/,
    ],
    ['an empty page', emptyPage, /History of e\/p\/r1 is short: .* held 250 for steps 0-299/],
    [
      'string _step',
      stringSteps(),
      /History of e\/p\/r1: a row in steps 0-49 has _step "0", not an integer/,
    ],
    [
      'two different rows for one step',
      conflictingSteps(),
      /History of e\/p\/r1: the server sent two different rows for step 0/,
    ],
  ] as const
) {
  test(`scanHistory: ${label} is an error naming the run`, async () => {
    const run = await api().run('e/p/r1')
    await withRule(rule, 'r1', async () => {
      await assert.rejects(readAll(run.scanHistory({ pageSize: 50 })), (err: Error) => {
        assert.ok(err instanceof HistoryShortfallError, String(err))
        assert.equal(err.runPath, 'e/p/r1')
        assert.match(err.message, pattern)
        return true
      })
    })
  })
}

test("onShortfall: 'report' keeps what came and reports each problem", async () => {
  const run = await api().run('e/p/r1')
  const problems: string[] = []
  let reported: string[] = []
  const rows = await withRule(dropTenth, 'r1', () =>
    readAll(run.scanHistory({
      pageSize: 50,
      onShortfall: 'report',
      onProblem: (p) => problems.push(p),
      onComplete: (r) => reported = r.problems,
    })))
  assert.equal(rows.length, 270)
  assert.equal(problems.length, 1)
  assert.match(problems[0], /is short: the server declares 300 rows/)
  assert.deepEqual(reported, problems)
})

test('legitimate partial reads are not errors: keys, step ranges, a running run', async () => {
  const run = await api().run('e/p/r1')
  await withRule(dropTenth, 'r1', async () => {
    assert.equal((await readAll(run.scanHistory({ keys: ['loss'], pageSize: 50 }))).length, 270)
    assert.equal((await readAll(run.scanHistory({ minStep: 10, pageSize: 50 }))).length, 261)
    assert.equal((await readAll(run.scanHistory({ maxStep: 100, pageSize: 50 }))).length, 90)
  })
  const live = await api().run('e/p/live')
  await withRule(dropTenth, 'live', async () => {
    assert.equal((await readAll(live.scanHistory({ pageSize: 50 }))).length, 270)
  })
  // Sampled history is thinned on purpose: never checked against the count.
  const sampled = await run.history({ samples: 50 })
  assert.ok(sampled.rows.length <= 50)
})

test('wbx history: an error by default, a warning with --allow-shortfall', async () => {
  const saved = { url: process.env.WANDB_BASE_URL, key: process.env.WANDB_API_KEY }
  process.env.WANDB_BASE_URL = proxy.baseUrl
  process.env.WANDB_API_KEY = proxy.apiKey
  try {
    await withRule(dropTenth, 'r1', async () => {
      const failed = await runCli(['history', 'e/p/r1', '--format', 'ndjson'])
      assert.equal(failed.code, 1)
      assert.match(failed.stderr, /History of e\/p\/r1 is short: the server declares 300 rows/)
      const allowed = await runCli(['history', 'e/p/r1', '--format', 'ndjson', '--allow-shortfall'])
      assert.equal(allowed.code, 0, allowed.stderr)
      assert.equal(allowed.stdout.trim().split('\n').length, 270)
      assert.match(allowed.stderr, /wbx: warning: History of e\/p\/r1 is short/)
    })
  } finally {
    if (saved.url === undefined) delete process.env.WANDB_BASE_URL
    else process.env.WANDB_BASE_URL = saved.url
    if (saved.key === undefined) delete process.env.WANDB_API_KEY
    else process.env.WANDB_API_KEY = saved.key
  }
})

test('bulk export: a run whose pages conflict is set aside with the error', async () => {
  const out = mkdtempSync(join(tmpdir(), 'wbx-net-shortfall-'))
  dirs.push(out)
  const result = await withRule(conflictingSteps(), 'r1', () =>
    exportProject({
      source: 'e/p',
      out,
      api: { baseUrl: proxy.baseUrl, apiKey: proxy.apiKey, retryWaitMinMs: 5 },
      attempts: 2,
      retryDelayMs: () => 10,
    }))
  assert.deepEqual(result.failures.map((f) => f.runId), ['r1'])
  assert.match(result.failures[0].error, /two different rows for step 0/)
  assert.equal(result.progress.runsDone, 1)
})
