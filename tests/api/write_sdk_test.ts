import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, print } from 'graphql'
import * as Q from '../../src/api/queries.ts'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'
import { sdkEnv, skipWithoutWandbPython, wandbPython } from '../_python.ts'
import type { TestServer } from '../server/test_server.ts'
import type { WandbApiError } from '../../src/api/wandb_api_error.ts'
import type { GenerateRunOptions } from '../server/generate_run.ts'

const script = fileURLToPath(new URL('./_sdk_write.py', import.meta.url))
const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`
const SLOW = { skip: skipWithoutWandbPython, timeout: 300_000 }

const RICH: GenerateRunOptions = {
  tags: ['baseline'],
  notes: 'first try',
  rawConfig: {
    _wandb: { value: { cli_version: '0.31.0' } },
    wandb_version: '0.31.0',
    lr: { value: 0.1, desc: 'learning rate' },
  },
  summary: { acc: 0.5, loss: NaN, nested: { x: 1 } },
}

/** Runs `_sdk_write.py` (asynchronously: the server lives in this process) and parses its JSON. */
function sdk(args: string[]): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-sdk-write-'))
  const env = sdkEnv(dir)
  return new Promise((resolve, reject) => {
    execFile(
      wandbPython!,
      [script, ...args],
      { env, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
      (err, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true })
        if (err) {
          reject(
            new Error(`_sdk_write.py ${args[0]} failed: ${err.message}\n${stderr.slice(-3000)}`),
          )
        } else resolve(JSON.parse(stdout))
      },
    )
  })
}

/** The SDK acting on a run of the server. */
function sdkOn(server: TestServer, mode: string, path: string, ...extra: string[]) {
  return sdk([mode, server.baseUrl, server.apiKey, path, ...extra])
}

test('write documents equal, byte for byte, the ones the installed SDK and its wandb-core send', {
  skip: skipWithoutWandbPython,
}, async () => {
  const docs = await sdk(['documents'])
  const ours: Record<string, string> = {
    UPSERT_BUCKET_SUMMARY_MUTATION: Q.UPSERT_BUCKET_SUMMARY_MUTATION.document,
    UPSERT_BUCKET_CREATE_MUTATION: Q.UPSERT_BUCKET_CREATE_MUTATION.document,
    'deleteRunMutation(true)': Q.deleteRunMutation(true).document,
    'deleteRunMutation(false)': Q.deleteRunMutation(false).document,
    'useArtifactMutation(usedAs)': Q.useArtifactMutation({ usedAs: true }).document,
    'useArtifactMutation(usedAs, artifactProject)': Q.useArtifactMutation({
      usedAs: true,
      artifactProject: true,
    }).document,
    CREATE_ARTIFACT_MUTATION: Q.CREATE_ARTIFACT_MUTATION.document,
  }
  for (const [key, text] of Object.entries(ours)) assert.equal(text, docs[key], key)
  // wandb-core's documents, read out of its binary: where a Go string starts and ends is not
  // recorded there, so these compare as parsed GraphQL (every character between is the same).
  const core: Record<string, string> = {
    UPSERT_BUCKET_MUTATION: Q.UPSERT_BUCKET_MUTATION.document,
    STOP_RUN_MUTATION: Q.STOP_RUN_MUTATION.document,
    MARK_RUN_FILES_UPLOADED_MUTATION: Q.MARK_RUN_FILES_UPLOADED_MUTATION.document,
  }
  for (const [key, text] of Object.entries(core)) {
    assert.equal(text.trim(), String(docs[key]).trim(), key)
    assert.equal(print(parse(text)), print(parse(String(docs[key]))), key)
  }
  // logArtifact's variables have the SDK's keys and input-object shapes
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const [ds] = await drain((await api.run(`${ENTITY}/${PROJECT}/producer`)).loggedArtifacts())
      await (await api.run(PATH)).logArtifact(ds, { aliases: ['best'], tags: ['t'] })
      const sent = server.requests.find((r) => r.operation === 'CreateArtifact')!.variables!
      const theirs = docs.createArtifactVariables as Record<string, unknown>
      assert.deepEqual(Object.keys(sent).sort(), Object.keys(theirs).sort())
      assert.deepEqual(sent.aliases, [{ artifactCollectionName: 'ds', alias: 'best' }])
      assert.deepEqual(sent.tags, theirs.tags)
    },
    {},
    [{ id: 'producer', loggedArtifacts: [{ name: 'ds' }] }],
  )
})

test(
  'the SDK writes and wbx reads what it wrote; wbx writes and the SDK reads it',
  SLOW,
  async () => {
    await withServer(async (server) => {
      const api = apiFor(server)
      assert.deepEqual(await sdkOn(server, 'write', PATH), {})
      const run = await api.run(PATH)
      assert.deepEqual(run.tags, ['from-python', 'sdk'])
      assert.equal(run.notes, 'notes from python')
      assert.equal(run.name, 'python name')
      assert.deepEqual(run.config, { lr: 0.1, py_key: { depth: 2 } })
      assert.equal(run.summary.py_metric, 1.5)
      assert.deepEqual(run.summary.py_nested, { a: 1 })
      assert.ok(Number.isNaN(run.summary.loss))
      // the SDK's json_config drops wandb_version and the key descriptions (spec §5.3)
      const stored = server.store.run(ENTITY, PROJECT, RUN_ID)!.rawConfig
      assert.equal('wandb_version' in stored, false)
      assert.deepEqual(stored.lr, { value: 0.1, desc: null })
      // now wbx writes
      run.tags = [...run.tags, 'wbx']
      run.notes = 'notes from wbx'
      run.config.lr = 0.01
      run.summary.set(['py_nested', 'b'], 2)
      run.summary.wbx_metric = Infinity
      delete run.summary.acc
      await run.update()
      const seen = await sdkOn(server, 'read', PATH)
      assert.deepEqual(seen.tags, ['from-python', 'sdk', 'wbx'])
      assert.equal(seen.notes, 'notes from wbx')
      assert.deepEqual(seen.config, { lr: 0.01, py_key: { depth: 2 } })
      const summary = seen.summary as Record<string, unknown>
      assert.deepEqual(summary.py_nested, { a: 1, b: 2 })
      assert.deepEqual(summary.wbx_metric, { $float: 'inf' })
      assert.deepEqual(summary.loss, { $float: 'nan' })
      assert.equal('acc' in summary, false)
      // a summary key the SDK deletes is gone for wbx
      await sdkOn(server, 'delkey', PATH, 'wbx_metric')
      assert.equal('wbx_metric' in (await api.run(PATH)).summary, false)
    }, RICH)
  },
)

test('create, state, upload and delete agree between the SDK and wbx', SLOW, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-sdk-upload-'))
  try {
    writeFileSync(join(dir, 'from-python.txt'), 'bytes the SDK uploaded\n')
    writeFileSync(join(dir, 'from-wbx.txt'), 'bytes wbx uploaded\n')
    await withServer(async (server) => {
      const api = apiFor(server)
      const queued = `${ENTITY}/${PROJECT}/queued1`
      assert.deepEqual(await sdkOn(server, 'create', queued), { path: queued, state: 'pending' })
      const run = await api.run(queued)
      assert.equal(run.state, 'pending')
      assert.deepEqual(await sdkOn(server, 'state', queued, 'failed'), { ok: true })
      await run.updateState('pending') // wbx reads the state the SDK set, then re-queues
      assert.equal((await sdkOn(server, 'read', queued)).state, 'pending')
      // the SDK's upload (wandb-core's PUT) goes through this server's upload origin
      const up = await sdkOn(server, 'upload', queued, join(dir, 'from-python.txt'), dir)
      const file = await run.file('from-python.txt')
      assert.deepEqual(up, { name: 'from-python.txt', size: file.size, md5: file.md5 })
      const mine = await run.uploadFile(join(dir, 'from-wbx.txt'), { root: dir })
      assert.equal(mine.size, 19)
      assert.deepEqual(await sdkOn(server, 'delete', queued), {})
      await assert.rejects(api.run(queued), (e: WandbApiError) => e.code === 'not-found')
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
