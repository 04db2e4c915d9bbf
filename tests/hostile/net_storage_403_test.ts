/**
 * Issue 10 item 11: storage refusing a signed URL (403, as an expired URL) during `export
 * --files` is refreshed once (the API is asked for the file again); a second refusal sets that
 * run aside like any other failure (failures[] names it, the other runs are exported, the exit
 * code is the quarantine one), never stopping the whole export.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { encodeRunId } from '../../src/bulk/layout.ts'
import { runCli } from '../cli/_run_cli.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { type HostileServer, startHostileServer, statusAnswer } from './_hostile_server.ts'
import { tempDirs } from './_temp_dirs.ts'

let server: TestServer
let proxy: HostileServer
const temps = tempDirs('wbx-net-403-')

before(async () => {
  server = await startTestServer()
  for (const id of ['ra', 'rb', 'rc']) {
    server.addRun(generateRun({
      entity: 'e',
      project: 'p',
      id,
      steps: 5,
      files: [{ name: 'data.txt', content: `data of ${id}\n` }],
    }))
  }
  proxy = await startHostileServer(server)
})

after(async () => {
  temps.removeAll()
  await proxy.stop()
  await server.stop()
})

const temp = temps.make

const api = () => ({ baseUrl: proxy.baseUrl, apiKey: proxy.apiKey, retryWaitMinMs: 5 })
const forbidden = () => statusAnswer(403)

test('one 403 on a signed URL: the URL is refreshed once and the export completes', async () => {
  const rule = proxy.rule({
    origin: 'files',
    path: /\/rb\/data\.txt$/,
    count: 1,
    respond: forbidden,
  })
  const out = temp()
  const start = proxy.requests.length
  try {
    const result = await exportProject({ source: 'e/p', out, include: { files: true }, api: api() })
    assert.equal(rule.fired(), 1)
    assert.deepEqual(result.failures, [])
    assert.equal(result.complete, true)
    const text = readFileSync(join(out, 'files', encodeRunId('rb'), 'data.txt'), 'utf8')
    assert.equal(text, 'data of rb\n')
    // The fresh URL came from asking the API for that one file again.
    const asked = proxy.requests.slice(start).filter((r) =>
      r.operation === 'RunFiles' && r.variables?.name === 'rb' &&
      JSON.stringify(r.variables?.fileNames) === '["data.txt"]'
    )
    assert.equal(asked.length, 1)
  } finally {
    rule.remove()
  }
})

test('403 every time for one run: that run is set aside, the others are exported', async () => {
  const rule = proxy.rule({ origin: 'files', path: /\/rb\/data\.txt$/, respond: forbidden })
  const out = temp()
  try {
    const result = await exportProject({
      source: 'e/p',
      out,
      include: { files: true },
      api: api(),
      attempts: 2,
      retryDelayMs: () => 10,
    })
    assert.equal(result.failures.length, 1)
    assert.equal(result.failures[0].runId, 'rb')
    assert.equal(result.failures[0].attempts, 2)
    assert.match(result.failures[0].error, /Cannot download data\.txt.*HTTP 403/)
    for (const id of ['ra', 'rc']) {
      assert.equal(
        readFileSync(join(out, 'files', encodeRunId(id), 'data.txt'), 'utf8'),
        `data of ${id}\n`,
      )
    }
    // Two attempts, each with one refresh: four refused requests.
    assert.equal(rule.fired(), 4)
  } finally {
    rule.remove()
  }
})

test('wbx export --files: the refused run is listed as failed, exit 1, manifest failures[]', async () => {
  const rule = proxy.rule({ origin: 'files', path: /\/rc\/data\.txt$/, respond: forbidden })
  const saved = { url: process.env.WANDB_BASE_URL, key: process.env.WANDB_API_KEY }
  process.env.WANDB_BASE_URL = proxy.baseUrl
  process.env.WANDB_API_KEY = proxy.apiKey
  process.env.WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS = '0.005'
  const out = temp()
  try {
    const result = await runCli(['export', 'e/p', '--out', out, '--files'])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /1 runs failed; run the same command again to retry them/)
    const manifest = JSON.parse(readFileSync(join(out, 'wbx-manifest.json'), 'utf8'))
    assert.deepEqual(manifest.failures.map((f: { runId: string }) => f.runId), ['rc'])
    assert.equal(
      readFileSync(join(out, 'files', encodeRunId('ra'), 'data.txt'), 'utf8'),
      'data of ra\n',
    )
  } finally {
    rule.remove()
    if (saved.url === undefined) delete process.env.WANDB_BASE_URL
    else process.env.WANDB_BASE_URL = saved.url
    if (saved.key === undefined) delete process.env.WANDB_API_KEY
    else process.env.WANDB_API_KEY = saved.key
    delete process.env.WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS
  }
})
