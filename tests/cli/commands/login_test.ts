import process from 'node:process'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../_run_cli.ts'
import { startTestServer, type TestServer } from '../../server/test_server.ts'

let server: TestServer
let host: string
const saved: Record<string, string | undefined> = {}

before(async () => {
  server = await startTestServer()
  await server.addLocalRun('samples/wandb/latest-run', { entity: 'demo-team' })
  host = new URL(server.baseUrl).host
  for (const name of ['WANDB_BASE_URL', 'WANDB_API_KEY', 'NETRC']) saved[name] = process.env[name]
  process.env.WANDB_BASE_URL = server.baseUrl
  delete process.env.WANDB_API_KEY
})

after(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await server.stop()
})

function freshNetrc(text?: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'wbx-login-')), '.netrc')
  if (text !== undefined) writeFileSync(path, text, { mode: 0o644 })
  process.env.NETRC = path
  return path
}

test('wbx login KEY verifies the key, then stores it for the WANDB_BASE_URL host (0600)', async () => {
  const netrc = freshNetrc('machine example.com login me password keep\n')
  const r = await runCli(['login', server.apiKey])
  assert.equal(r.code, 0, r.stderr)
  assert.match(
    r.stderr,
    new RegExp(`logged in to ${host.replace('.', '\\.')} as \\S+; key stored in`),
  )
  assert.equal(
    readFileSync(netrc, 'utf8'),
    `machine example.com login me password keep\nmachine ${host}\n  login user\n  password ${server.apiKey}\n`,
  )
  assert.equal(statSync(netrc).mode & 0o777, 0o600)
  assert.ok(!r.stderr.includes(server.apiKey), 'the key is never printed')
  const info = await runCli(['info', 'demo-team/wbx-demo/wbxdemo1', '--json'])
  assert.equal(info.code, 0, `the stored key is used: ${info.stderr}`)
  assert.equal(JSON.parse(info.stdout).id, 'wbxdemo1')
})

test('a key the server refuses is not stored', async () => {
  const netrc = freshNetrc()
  const wrong = 'f'.repeat(40)
  const r = await runCli(['login', wrong])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /401/)
  assert.ok(!r.stderr.includes(wrong))
  assert.equal(existsSync(netrc), false)
})

test('without an argument the key is asked for on a terminal, or read from stdin', async () => {
  const netrc = freshNetrc()
  const prompted = await runCli(['login'], { stdinIsTTY: true, input: [server.apiKey] })
  assert.equal(prompted.code, 0, prompted.stderr)
  assert.match(prompted.stderr, /Paste an API key from \S+\/authorize \(it is not shown\)/)
  assert.match(readFileSync(netrc, 'utf8'), new RegExp(`password ${server.apiKey}\\n$`))
  freshNetrc()
  const piped = await runCli(['login'], { input: [server.apiKey] })
  assert.equal(piped.code, 0, piped.stderr)
  const none = await runCli(['login'], { input: [] })
  assert.equal(none.code, 2)
  assert.match(none.stderr, /No API key given/)
})
