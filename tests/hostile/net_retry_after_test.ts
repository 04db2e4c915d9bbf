/**
 * Issue 10 item 12: a server answering one run's requests with `429 Retry-After: 100000` does not
 * stall a bulk export: the whole export waits at most `maxWaitMs` on such pauses, one run at
 * most `maxWaitPerRunMs`, the run is then set aside like any failure, and what the server asked
 * for is said on stderr (through the export's note output, also without progress lines).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { runCli } from '../cli/_run_cli.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { forRun, type HostileServer, startHostileServer, statusAnswer } from './_hostile_server.ts'
import { tempDirs } from './_temp_dirs.ts'

let server: TestServer
let proxy: HostileServer
const temps = tempDirs('wbx-net-retry-after-')
const IDS = ['r1', 'r2', 'r3', 'r4', 'r5']

before(async () => {
  server = await startTestServer()
  for (const id of IDS) server.addRun(generateRun({ entity: 'e', project: 'p', id, steps: 20 }))
  proxy = await startHostileServer(server)
})

after(async () => {
  temps.removeAll()
  await proxy.stop()
  await server.stop()
})

const temp = temps.make

test('Retry-After 100000 s on one run: bounded waits, the run set aside, the ask reported', {
  timeout: 60_000,
}, async () => {
  const rule = proxy.rule({
    origin: 'api',
    when: forRun('r2'),
    respond: () => statusAnswer(429, 100000),
  })
  const notes: string[] = []
  const started = Date.now()
  try {
    const result = await exportProject({
      source: 'e/p',
      out: temp(),
      api: { baseUrl: proxy.baseUrl, apiKey: proxy.apiKey, retryWaitMinMs: 5 },
      maxWaitMs: 1500,
      maxWaitPerRunMs: 1000,
      retryDelayMs: () => 50,
      onNote: (text) => notes.push(text),
    })
    const elapsed = Date.now() - started
    assert.ok(elapsed < 15_000, `the export took ${elapsed} ms`)
    assert.deepEqual(result.failures.map((f) => f.runId), ['r2'])
    assert.match(result.failures[0].error, /the server asked to wait 100000 s \(Retry-After\)/)
    assert.ok(rule.fired() >= 1)
    assert.match(
      notes[0],
      /^wbx: the server asked to wait 100000 s \(HTTP 429 Retry-After\); holding requests 1\.5 s/,
    )
    assert.ok(
      notes.some((n) =>
        /the export's wait budget of 1\.5 s is spent, so it no longer waits/.test(n)
      ),
      notes.join('\n'),
    )
    assert.ok(notes.length <= 3, 'notes are not repeated per request')
    // The other runs are complete.
    assert.equal(result.progress.runsDone, 4)
  } finally {
    rule.remove()
  }
})

test('wbx export: --max-wait/--max-wait-per-run bound the wait and stderr says what was asked', {
  timeout: 60_000,
}, async () => {
  const rule = proxy.rule({
    origin: 'api',
    when: forRun('r4'),
    respond: () => statusAnswer(429, 3600),
  })
  const env = { WANDB_BASE_URL: proxy.baseUrl, WANDB_API_KEY: proxy.apiKey }
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  Object.assign(process.env, env)
  const out = temp()
  const started = Date.now()
  try {
    const result = await runCli([
      'export',
      'e/p',
      '--out',
      out,
      '--max-wait',
      '1',
      '--max-wait-per-run',
      '0.5',
      '--attempts',
      '2',
    ])
    assert.ok(Date.now() - started < 20_000)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /wbx: the server asked to wait 3600 s \(HTTP 429 Retry-After\)/)
    assert.match(result.stderr, /run r4 failed after \d attempts: .*asked to wait 3600 s/)
    const manifest = JSON.parse(readFileSync(join(out, 'wbx-manifest.json'), 'utf8'))
    assert.deepEqual(manifest.failures.map((f: { runId: string }) => f.runId), ['r4'])
  } finally {
    rule.remove()
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
})
