import process from 'node:process'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from './_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

const SAMPLE = 'samples/wandb/latest-run'
const REMOTE = 'demo-team/wbx-demo/wbxdemo1'
let server: TestServer
const savedEnv: Record<string, string | undefined> = {}

function ndjson(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
}

before(async () => {
  server = await startTestServer({ exportDefaults: { liveTail: 25, parquetFileRows: 100 } })
  await server.addLocalRun(SAMPLE, { entity: 'demo-team' })
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

test('wbx history gives the same rows for a local folder and the same run on a server', async () => {
  const local = await runCli(['history', SAMPLE, '--nan', 'string'])
  assert.equal(local.code, 0, local.stderr)
  const localRows = ndjson(local.stdout)
  assert.equal(localRows.length, 300)
  for (const source of ['parquet', 'graphql', 'auto']) {
    const remote = await runCli(['history', REMOTE, '--source', source])
    assert.equal(remote.code, 0, `${source}: ${remote.stderr}`)
    const remoteRows = ndjson(remote.stdout)
    assert.equal(remoteRows.length, 300, source)
    assert.deepEqual(remoteRows, localRows.map((row) => sortLike(row, remoteRows[0])), source)
  }
  const url = await runCli([
    'history',
    `${server.baseUrl}/demo-team/wbx-demo/runs/wbxdemo1`,
    '--format',
    'csv',
  ])
  assert.equal(url.code, 0, url.stderr)
  assert.equal(url.stdout.trim().split('\n').length, 301)
})

test('wbx history against a server survives 429s and 503s', async () => {
  server.fault({ kind: 'status', status: 429, retryAfter: 0, operation: 'HistoryPage', count: 2 })
  server.fault({ kind: 'status', status: 503, operation: 'RunParquetHistory', count: 1 })
  const before = server.requests.length
  const r = await runCli(['history', REMOTE, '--keys', 'lr', '--source', 'auto'])
  assert.equal(r.code, 0, r.stderr)
  const statuses = server.requests.slice(before).map((req) => req.status)
  assert.equal(statuses.filter((s) => s === 429).length, 2, 'both 429s were served and retried')
  assert.equal(statuses.filter((s) => s === 503).length, 1, 'the 503 was served and retried')
  const rows = ndjson(r.stdout)
  assert.equal(rows.length, 300)
  assert.deepEqual(rows[299], { _step: 299, lr: rows[299].lr })
})

test('wbx summary, config, info and runs read a run on the server', async () => {
  const summary = JSON.parse((await runCli(['summary', REMOTE])).stdout)
  assert.equal(summary.best_val_loss, 0.052)
  const config = JSON.parse((await runCli(['config', REMOTE])).stdout)
  assert.deepEqual(config, { lr: 0.05, batch_size: 64, optimizer: { name: 'sgd', momentum: 0.9 } })
  const info = JSON.parse((await runCli(['info', REMOTE])).stdout)
  assert.equal(info.id, 'wbxdemo1')
  assert.equal(info.name, 'demo-sgd-300')
  assert.deepEqual(info.tags, ['demo', 'sgd'])
  assert.equal(info.last_history_step, 299)
  const runs = ndjson(
    (await runCli(['runs', 'demo-team/wbx-demo', '--filters', '{"state": "finished"}'])).stdout,
  )
  assert.deepEqual(runs.map((r) => r.run_id), ['wbxdemo1'])
  const none = ndjson(
    (await runCli(['runs', 'demo-team/wbx-demo', '--filters', '{"state": "crashed"}'])).stdout,
  )
  assert.equal(none.length, 0)
})

test("wbx files --download fetches a remote run's files and checks them", async () => {
  const listed = ndjson((await runCli(['files', REMOTE])).stdout)
  assert.ok(listed.some((f) => f.name === 'output.log'), 'output.log is listed')
  const dir = mkdtempSync(join(tmpdir(), 'wbx-dl-'))
  const r = await runCli(['files', REMOTE, '--download', dir])
  assert.equal(r.code, 0, r.stderr)
  assert.ok(readdirSync(dir).includes('output.log'))
  assert.equal(
    readFileSync(join(dir, 'output.log'), 'utf8'),
    readFileSync(join(SAMPLE, 'files/output.log'), 'utf8'),
  )
  const again = ndjson((await runCli(['files', REMOTE, '--download', dir])).stdout)
  assert.ok(again.every((f) => f.skipped === true), 'identical files are not fetched again')
  const filesRequests = server.requests.filter((req) => req.origin === 'files')
  assert.ok(filesRequests.length > 0, 'downloads went to the files origin')
  const keyLeaks = server.requests.filter((req) =>
    req.origin === 'files' && JSON.stringify(req.headers).includes(server.apiKey)
  )
  assert.equal(keyLeaks.length, 0, 'the API key never reaches the files origin')
})

test('wbx reports a run that is not on the server with exit 1 and the run path', async () => {
  const r = await runCli(['history', 'demo-team/wbx-demo/nosuchrun'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /nosuchrun/)
  assert.ok(!r.stderr.includes(server.apiKey))
})

/** Reorders a row's keys like another row's (NDJSON key order is not part of the contract). */
function sortLike(
  row: Record<string, unknown>,
  model: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(model)) if (k in row) out[k] = row[k]
  for (const k of Object.keys(row)) if (!(k in out)) out[k] = row[k]
  return out
}
