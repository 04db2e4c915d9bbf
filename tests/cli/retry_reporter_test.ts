import process from 'node:process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { RetryReporter } from '../../src/cli/retry_reporter.ts'
import { runCli } from './_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

const REMOTE = 'demo-team/wbx-demo/wbxdemo1'
const NAMES = ['WANDB_BASE_URL', 'WANDB_API_KEY', 'WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS']
let server: TestServer
const saved: Record<string, string | undefined> = {}

before(async () => {
  server = await startTestServer()
  await server.addLocalRun('samples/wandb/latest-run', { entity: 'demo-team' })
  for (const name of NAMES) saved[name] = process.env[name]
  process.env.WANDB_BASE_URL = server.baseUrl
  process.env.WANDB_API_KEY = server.apiKey
  process.env.WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS = '0.02'
})

after(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await server.stop()
})

const event = (status: number, attempt: number, delayMs: number) => ({
  url: 'https://api.wandb.ai/graphql',
  detail: status ? `HTTP ${status}` : 'connection failed: reset',
  status,
  attempt,
  maxAttempts: 21,
  delayMs,
})

test('on a terminal each retry is a line: what, from where, which attempt, how long', () => {
  let text = ''
  const reporter = new RetryReporter((t) => (text += t), true)
  reporter.onRetry(event(503, 1, 1500))
  reporter.onRetry(event(0, 2, 3000))
  assert.equal(
    text,
    '\r\x1b[Kwbx: HTTP 503 from https://api.wandb.ai/graphql; retry 1 of 20 in 1.5 s\n' +
      '\r\x1b[Kwbx: connection failed from https://api.wandb.ai/graphql; retry 2 of 20 in 3.0 s\n',
  )
  assert.equal(reporter.summary(), undefined)
})

test('elsewhere the retries are summed up in one line at the end', () => {
  let text = ''
  const reporter = new RetryReporter((t) => (text += t), false)
  assert.equal(reporter.summary(), undefined, 'nothing to say without retries')
  reporter.onRetry(event(429, 1, 1000))
  reporter.onRetry(event(429, 2, 2000))
  reporter.onRetry(event(503, 1, 500))
  assert.equal(text, '')
  assert.equal(
    reporter.summary(),
    'wbx: 3 request retries (2 × HTTP 429, 1 × HTTP 503), 3.5 s waited in all\n',
  )
})

test('wbx announces retries against a server on a terminal and sums them up in a pipe', async () => {
  server.fault({ kind: 'status', status: 503, operation: 'Run', count: 2 })
  const tty = await runCli(['info', REMOTE, '--json'], { stderrIsTTY: true })
  assert.equal(tty.code, 0, tty.stderr)
  const lines = tty.stderr.split('\n').filter((l) => l.includes('retry'))
  assert.equal(lines.length, 2, tty.stderr)
  assert.match(
    lines[0],
    /wbx: HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/graphql; retry 1 of 20 in [\d.]+ s$/,
  )
  assert.match(lines[1], /retry 2 of 20/)
  server.fault({ kind: 'status', status: 503, operation: 'Run', count: 1 })
  const piped = await runCli(['info', REMOTE, '--json'])
  assert.equal(piped.code, 0, piped.stderr)
  assert.match(piped.stderr, /^wbx: 1 request retry \(1 × HTTP 503\), [\d.]+ s waited in all\n$/)
  assert.equal(JSON.parse(piped.stdout).id, 'wbxdemo1')
})

test('retries of signed Parquet export URLs are announced too, without the signature', async () => {
  server.fault({ kind: 'status', status: 503, origin: 'files', count: 1 })
  const r = await runCli(['history', REMOTE, '--source', 'parquet', '-q'], { stderrIsTTY: true })
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout.trim().split('\n').length, 300)
  const line = r.stderr.split('\n').find((l) => l.includes('retry'))
  assert.match(
    line ?? r.stderr,
    /wbx: HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/\S+; retry 1 of 4 in [\d.]+ s$/,
  )
  assert.ok(!line?.includes('?'), 'no query string (the signature) in the line')
})

test('retries of file downloads are announced: a 503 from storage and a body cut off mid-transfer', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-retry-files-'))
  try {
    const onFile = { origin: 'files', method: 'GET', path: /requirements\.txt$/ } as const
    server.fault({ kind: 'status', status: 503, ...onFile, count: 1 })
    server.fault({ kind: 'truncate', ...onFile, count: 1 })
    const r = await runCli(['files', REMOTE, '--download', dir, '-q'], { stderrIsTTY: true })
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stderr.split('\n').filter((l) => l.includes('retry'))
    assert.equal(lines.length, 2, r.stderr)
    assert.match(
      lines[0],
      /wbx: HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/\S*requirements\.txt; retry 1 of 20 in [\d.]+ s$/,
    )
    assert.match(
      lines[1],
      /wbx: truncated body from http:\/\/127\.0\.0\.1:\d+\/\S*requirements\.txt; retry 1 of 2 in 0\.0 s$/,
    )
    assert.ok(lines.every((l) => !l.includes('?')), 'no query string (a signature) in the lines')
    const saved = await readFile(join(dir, 'requirements.txt'), 'utf8')
    assert.equal(saved, await readFile('samples/wandb/latest-run/files/requirements.txt', 'utf8'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
