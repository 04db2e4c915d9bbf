/**
 * Hostile server file names: two names that lead to one file (`col/x.txt`, `col//x.txt`) and a
 * name that is a folder (`folder/`) are refused loudly, in bulk exports and in `files --download`;
 * nothing is overwritten and the run is set aside with an error that names both files.
 */
import process from 'node:process'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../cli/_run_cli.ts'
import { seedRun } from '../bulk/_project.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

/** The clash message, whichever name the server lists first. */
const BOTH = /Cannot save both '(col\/x\.txt' and 'col\/\/x\.txt|col\/\/x\.txt' and 'col\/x\.txt)'/
let server: TestServer
let root: string
const savedEnv: Record<string, string | undefined> = {}

before(async () => {
  server = await startTestServer()
  server.addRun(seedRun('names', 'clash', 0, {
    files: [
      { name: 'col/x.txt', content: 'first content\n' },
      { name: 'col//x.txt', content: 'second content, which would overwrite the first\n' },
    ],
  }))
  server.addRun(seedRun('names', 'clash', 1, { files: [{ name: 'fine.txt', content: 'ok\n' }] }))
  server.addRun(seedRun('names', 'folder', 0, {
    files: [{ name: 'folder/', content: '' }, { name: 'a.txt', content: 'a\n' }],
  }))
  const env: Record<string, string> = {
    WANDB_BASE_URL: server.baseUrl,
    WANDB_API_KEY: server.apiKey,
    WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS: '0.005',
    WANDB__GRAPHQL_RETRY_WAIT_MAX_SECONDS: '0.05',
  }
  for (const [name, value] of Object.entries(env)) {
    savedEnv[name] = process.env[name]
    process.env[name] = value
  }
  root = mkdtempSync(join(tmpdir(), 'wbx-names-'))
})

after(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await server.stop()
  rmSync(root, { recursive: true, force: true })
})

test('bulk export: col/x.txt and col//x.txt set the run aside, naming both; nothing overwritten', async () => {
  const out = join(root, 'clash')
  const r = await runCli(['export', 'names/clash', '--out', out, '--files'])
  assert.equal(r.code, 1, r.stderr)
  const m = JSON.parse(readFileSync(join(out, 'wbx-manifest.json'), 'utf8'))
  assert.deepEqual(
    m.failures.map((f: { runId: string; attempts: number }) => [f.runId, f.attempts]),
    [[
      'r000',
      1,
    ]],
  )
  assert.match(m.failures[0].error, BOTH)
  assert.match(m.failures[0].error, /lead to the same file .*files\/r000\/col\/x\.txt/)
  assert.match(r.stderr, /run r000 failed after 1 attempts: Cannot save both/)
  assert.equal(existsSync(join(out, 'files', 'r000', 'col', 'x.txt')), false, 'nothing downloaded')
  assert.equal(m.runs.r001.complete, true, 'the other run is exported')
})

test('files --download: the clash is refused even with --replace, before any file is written', async () => {
  const dir = join(root, 'download')
  const r = await runCli(['files', 'names/clash/r000', '--download', dir, '--replace'])
  assert.equal(r.code, 1, r.stderr)
  assert.match(r.stderr, BOTH)
  // Every name is checked after the listing and before the first download.
  assert.equal(existsSync(join(dir, 'col', 'x.txt')), false, 'nothing was downloaded')
})

test("a server file named 'folder/' is refused with a message saying it names a folder", async () => {
  const dir = join(root, 'folder')
  const r = await runCli(['files', 'names/folder/r000', '--download', dir])
  assert.equal(r.code, 1, r.stderr)
  assert.match(r.stderr, /'folder\/'.*ends with '\/', which names a folder, not a file/)
  assert.equal(existsSync(join(dir, 'folder')), false, 'no file named folder was written')
  const out = join(root, 'folder-export')
  const e = await runCli(['export', 'names/folder', '--out', out, '--files'])
  assert.equal(e.code, 1, e.stderr)
  assert.match(e.stderr, /run r000 failed after 1 attempts: .*names a folder, not a file/)
})
