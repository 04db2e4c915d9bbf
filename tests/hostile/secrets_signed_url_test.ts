/**
 * Signed storage URLs whose storage host refuses the connection: the runtime's error message
 * quotes the whole URL, signature included. No query string of a URL reaches stderr, stdout, the
 * manifest or the journal.
 */
import process from 'node:process'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../cli/_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { assertNoSecrets, type Needle } from './_secrets.ts'

const SAMPLE = 'samples/wandb/latest-run'
const PROJECT = 'demo-team/wbx-demo'
const REMOTE = `${PROJECT}/wbxdemo1`
const SIG = randomBytes(24).toString('hex')
const needles: Needle[] = [{ label: 'X-Goog-Signature', text: SIG }]
let server: TestServer
let proxy: Server
let refused: string
let proxyUrl: string
let root: string
const savedEnv: Record<string, string | undefined> = {}

/** A loopback address nothing listens on (a port bound, then released). */
async function refusedOrigin(): Promise<string> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

/** Points every signed URL in a text at the refused origin, with a GCS-style signature first. */
function rewrite(text: string): string {
  return text.split(server.filesOrigin).join(refused).split(server.baseUrl).join(proxyUrl)
    .replace(/\?Expires=/g, `?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=${SIG}&Expires=`)
}

/** A proxy in front of the API origin that rewrites signed URLs in bodies and redirects. */
async function startProxy(): Promise<{ server: Server; url: string }> {
  const s = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) {
        headers[k] = v
      }
    }
    const upstream = await fetch(`${server.baseUrl}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
      redirect: 'manual',
    })
    const body = rewrite(await upstream.text())
    const out: Record<string, string> = {
      'content-type': upstream.headers.get('content-type') ?? 'text/plain',
    }
    const location = upstream.headers.get('location')
    if (location) out.location = rewrite(location)
    res.writeHead(upstream.status, out)
    res.end(body)
  })
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` }
}

before(async () => {
  server = await startTestServer()
  await server.addLocalRun(SAMPLE, { entity: 'demo-team' })
  refused = await refusedOrigin()
  const p = await startProxy()
  proxy = p.server
  proxyUrl = p.url
  const env: Record<string, string> = {
    WANDB_BASE_URL: p.url,
    WANDB_API_KEY: server.apiKey,
    WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS: '0.005',
    WANDB__GRAPHQL_RETRY_WAIT_MAX_SECONDS: '0.05',
  }
  for (const [name, value] of Object.entries(env)) {
    savedEnv[name] = process.env[name]
    process.env[name] = value
  }
  root = mkdtempSync(join(tmpdir(), 'wbx-signed-'))
})

after(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  proxy.closeAllConnections?.() // the CLI's keep-alive sockets would hold close() open
  await new Promise<void>((resolve) => proxy.close(() => resolve()))
  await server.stop()
  rmSync(root, { recursive: true, force: true })
})

/** Asserts that no text quotes a URL with its query or a signature parameter's value. */
function assertNoQueries(...texts: string[]): void {
  for (const text of texts) {
    assert.doesNotMatch(text, /https?:\/\/[^\s?"']+\?(?!\*\*\*)/, 'a URL kept its query string')
    assert.doesNotMatch(text, /Signature=(?!\*\*\*)/i)
  }
}

test('the proxy really hands out signed URLs on a refused host (the setup can fail the test)', async () => {
  // The listing is data the user asked for: it shows directUrl as the SDK's File.direct_url does.
  const r = await runCli(['files', REMOTE])
  assert.equal(r.code, 0, r.stderr)
  assert.ok(r.stdout.includes(`${refused}/wandb-files/`), r.stdout)
  assert.ok(r.stdout.includes(`X-Goog-Signature=${SIG}`), r.stdout)
})

test('wbx files --download: a refused storage connection prints the URL without its query', async () => {
  const dir = join(root, 'download')
  const r = await runCli(['files', REMOTE, '--download', dir])
  assert.equal(r.code, 1, r.stderr)
  assert.match(
    r.stderr,
    /download of http:\/\/\S+\/(output\.log|requirements\.txt)/,
    'names the file',
  )
  assertNoQueries(r.stderr)
  assertNoSecrets(needles, { stdout: r.stdout, stderr: r.stderr, dirs: [dir] })
})

test('wbx logs: a refused storage connection prints the URL without its query', async () => {
  const r = await runCli(['logs', REMOTE])
  assert.equal(r.code, 1, r.stderr)
  assertNoQueries(r.stderr)
  assertNoSecrets(needles, { stdout: r.stdout, stderr: r.stderr })
})

test('wbx export --files --logs: failures[].error and stderr carry no signed-URL query', async () => {
  const out = join(root, 'export')
  const r = await runCli(['export', PROJECT, '--out', out, '--files', '--logs', '--attempts', '1'])
  assert.equal(r.code, 1, r.stderr)
  const manifest = JSON.parse(readFileSync(join(out, 'wbx-manifest.json'), 'utf8'))
  assert.equal(manifest.failures.length, 1)
  assert.match(manifest.failures[0].error, /download of http:\/\/\S+\/output\.log failed/)
  assertNoQueries(r.stderr, manifest.failures[0].error)
  assertNoSecrets(needles, { stdout: r.stdout, stderr: r.stderr, dirs: [out] })
})
