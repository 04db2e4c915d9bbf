/**
 * A server that echoes credentials in its error bodies: the API key, its Basic form and any
 * Authorization value never reach a byte wbx writes, not even cut in half by a shortened
 * message (the key is placed across the 200- and 300-character cuts).
 */
import process from 'node:process'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../cli/_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { assertNoSecrets, keyNeedles, scanForSecrets } from './_secrets.ts'

const SAMPLE = 'samples/wandb/latest-run'
const PROJECT = 'demo-team/wbx-demo'
const REMOTE = `${PROJECT}/wbxdemo1`
const KEY = randomBytes(20).toString('hex') // 40 characters, like a W&B key
const BASIC = `Basic ${Buffer.from(`api:${KEY}`).toString('base64')}`
const needles = keyNeedles(KEY)
let server: TestServer
let root: string
const savedEnv: Record<string, string | undefined> = {}

/** An error body that quotes the credentials, the key starting `at` characters in (after whitespace folding). */
function echoBody(at: number): string {
  const head = 'request rejected; you sent key='
  const pad = 'x'.repeat(Math.max(0, at - head.length))
  return `${head}${pad}${KEY} with header Authorization: ${BASIC} and api:${KEY} (proxy echo)`
}

before(async () => {
  server = await startTestServer({ apiKeys: [KEY] })
  await server.addLocalRun(SAMPLE, { entity: 'demo-team' })
  for (const name of ['WANDB_BASE_URL', 'WANDB_API_KEY', 'NETRC']) {
    savedEnv[name] = process.env[name]
  }
  process.env.WANDB_BASE_URL = server.baseUrl
  process.env.WANDB_API_KEY = KEY
  root = mkdtempSync(join(tmpdir(), 'wbx-secrets-'))
})

after(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await server.stop()
  rmSync(root, { recursive: true, force: true })
})

test('the scanner finds a key cut to 39 characters (so the tests below can fail)', () => {
  const findings = scanForSecrets(needles, { stderr: `oops ${KEY.slice(0, 39)}…` })
  assert.equal(findings.length, 1)
  assert.equal(findings[0].label, 'API key')
})

for (const at of [175, 195]) {
  test(`wbx files --download: a storage error echoing the key at ${at} chars prints no piece of it`, async () => {
    const dir = join(root, `files-${at}`)
    server.faults.add({
      kind: 'status',
      origin: 'files',
      status: 400,
      body: echoBody(at),
      count: 50,
    })
    try {
      const r = await runCli(['files', REMOTE, '--download', dir])
      assert.equal(r.code, 1, r.stderr)
      assert.match(r.stderr, /HTTP 400/)
      assert.match(r.stderr, /\*\*\*/, 'the echoed secrets are replaced, not dropped silently')
      assertNoSecrets(needles, { stdout: r.stdout, stderr: r.stderr, dirs: [dir] })
    } finally {
      server.faults.clear()
    }
  })
}

test('wbx logs: a storage error echoing the key prints no piece of it', async () => {
  server.faults.add({
    kind: 'status',
    origin: 'files',
    status: 400,
    body: echoBody(175),
    count: 50,
  })
  try {
    const r = await runCli(['logs', REMOTE])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stderr, /HTTP 400/)
    assertNoSecrets(needles, { stdout: r.stdout, stderr: r.stderr })
  } finally {
    server.faults.clear()
  }
})

for (const at of [190, 275]) {
  test(`a GraphQL error echoing the key at ${at} chars prints no piece of it`, async () => {
    const faults = [
      { kind: 'graphql-error' as const, message: echoBody(at) },
      {
        kind: 'status' as const,
        origin: 'api' as const,
        status: 400,
        body: JSON.stringify({ errors: [{ message: echoBody(at) }] }),
      },
    ]
    for (const fault of faults) {
      server.faults.add({ ...fault, count: 1 })
      try {
        const r = await runCli(['summary', REMOTE])
        assert.equal(r.code, 1, r.stderr)
        assertNoSecrets(needles, { stdout: r.stdout, stderr: r.stderr })
      } finally {
        server.faults.clear()
      }
    }
  })
}

test('wbx export --files --logs: echoed credentials reach neither stderr, the manifest nor the journal', async () => {
  const out = join(root, 'export')
  server.faults.add({
    kind: 'status',
    origin: 'files',
    status: 400,
    body: echoBody(180),
    count: 500,
  })
  try {
    const r = await runCli([
      'export',
      PROJECT,
      '--out',
      out,
      '--files',
      '--logs',
      '--attempts',
      '1',
      '--json',
    ])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stdout + r.stderr, /HTTP 400/)
    assertNoSecrets(needles, { stdout: r.stdout, stderr: r.stderr, dirs: [out] })
  } finally {
    server.faults.clear()
  }
})
