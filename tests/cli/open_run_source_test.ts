import process from 'node:process'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from './_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { sdkEnv, skipWithoutWandbPython, wandbPython } from '../_python.ts'
import { setEnv } from '../_env.ts'

let server: TestServer
let restoreEnv = () => {}

before(async () => {
  server = await startTestServer()
  await server.addLocalRun('samples/wandb/latest-run', { entity: 'demo-team' })
  restoreEnv = setEnv({
    WANDB_BASE_URL: server.baseUrl,
    WANDB_API_KEY: server.apiKey,
    WANDB_ENTITY: process.env.WANDB_ENTITY,
    WANDB_PROJECT: process.env.WANDB_PROJECT,
  })
})

after(async () => {
  restoreEnv()
  await server.stop()
})

test('WANDB_ENTITY=team WANDB_PROJECT=proj wbx history run01 reads team/proj/run01', async () => {
  process.env.WANDB_ENTITY = 'demo-team'
  process.env.WANDB_PROJECT = 'wbx-demo'
  try {
    const short = await runCli(['history', 'wbxdemo1', '--keys', 'lr'])
    assert.equal(short.code, 0, short.stderr)
    const full = await runCli(['history', 'demo-team/wbx-demo/wbxdemo1', '--keys', 'lr'])
    assert.equal(short.stdout, full.stdout)
    assert.equal(short.stdout.trim().split('\n').length, 300)
    const info = JSON.parse((await runCli(['info', 'wbxdemo1', '--json'])).stdout)
    assert.equal(info.path.join('/'), 'demo-team/wbx-demo/wbxdemo1')
  } finally {
    delete process.env.WANDB_ENTITY
    delete process.env.WANDB_PROJECT
  }
})

test('a bare id that is no local path, without WANDB_PROJECT, says how to name a remote run', async () => {
  const r = await runCli(['history', 'wbxdemo1'])
  assert.equal(r.code, 1)
  assert.match(
    r.stderr,
    /Cannot open run "wbxdemo1": no such file or folder; for a run on W&B pass entity\/project\/run_id, or set WANDB_PROJECT/,
  )
})

test('the official SDK resolves the same bare id to the same run', {
  skip: skipWithoutWandbPython,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-short-'))
  const env = sdkEnv(dir, {
    WANDB_BASE_URL: server.baseUrl,
    WANDB_API_KEY: server.apiKey,
    WANDB_ENTITY: 'demo-team',
    WANDB_PROJECT: 'wbx-demo',
  })
  const script = 'import wandb; print("/".join(wandb.Api().run("wbxdemo1").path))'
  // Asynchronously: the test server answers from this process.
  const { stdout } = await promisify(execFile)(wandbPython!, ['-c', script], { env, cwd: dir })
  assert.equal(stdout.trim(), 'demo-team/wbx-demo/wbxdemo1')
})
