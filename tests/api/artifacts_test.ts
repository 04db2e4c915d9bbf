import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'
import { Run } from '../../src/api/run.ts'
import type { GenerateRunOptions } from '../server/generate_run.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`
const WEIGHTS = new Uint8Array(Array.from({ length: 5000 }, (_, i) => (i * 13) % 251))

const SEED: GenerateRunOptions = {
  loggedArtifacts: [
    {
      name: 'dataset',
      aliases: ['best'],
      tags: ['raw'],
      description: 'train split',
      metadata: { rows: 3, score: NaN },
      historyStep: 7,
      files: [{ name: 'train.csv', content: 'a,b\n1,2\n' }, {
        name: 'nested/readme.md',
        content: '# data\n',
      }],
    },
    { name: 'model', type: 'model', files: [{ name: 'weights.bin', content: WEIGHTS }] },
    {
      name: 'model',
      type: 'model',
      aliases: ['prod'],
      files: [{ name: 'weights.bin', content: 'v1' }],
    },
  ],
  usedArtifacts: [{ name: 'tokenizer', type: 'vocab' }],
}

test('loggedArtifacts and usedArtifacts stream artifact metadata', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const logged = await drain(run.loggedArtifacts())
    assert.deepEqual(logged.map((a) => [a.name, a.type, a.version, a.aliases]), [
      ['dataset:v0', 'dataset', 'v0', ['latest', 'best']],
      ['model:v0', 'model', 'v0', []],
      ['model:v1', 'model', 'v1', ['latest', 'prod']],
    ])
    const ds = logged[0]
    assert.equal(ds.collection, 'dataset')
    assert.deepEqual(ds.tags, ['raw'])
    assert.equal(ds.description, 'train split')
    assert.equal(ds.metadata.rows, 3)
    assert.ok(Number.isNaN(ds.metadata.score))
    assert.equal(ds.historyStep, 7)
    assert.equal(ds.size, 8 + 7)
    assert.equal(ds.fileCount, 2)
    assert.equal(ds.entity, ENTITY)
    assert.equal(ds.project, PROJECT)
    assert.equal(ds.state, 'COMMITTED')
    assert.match(ds.digest ?? '', /^[0-9a-f]{32}$/)
    assert.equal(typeof ds.createdAt, 'string')
    assert.deepEqual(Object.keys(ds.toJSON()).length, 17)
    const used = await drain(run.usedArtifacts())
    assert.deepEqual(used.map((a) => [a.name, a.type]), [['tokenizer:v0', 'vocab']])
    const reader = run.loggedArtifacts({ perPage: 1 }).getReader()
    const sizes: number[] = []
    for (let r = await reader.read(); !r.done; r = await reader.read()) sizes.push(r.value.length)
    assert.deepEqual(sizes, [1, 1, 1])
    const vars = server.requests.filter((r) => r.operation === 'RunOutputArtifacts').slice(-3).map((
      r,
    ) => r.variables!)
    assert.deepEqual(vars.map((v) => v.perPage), [1, 1, 1])
    assert.equal(vars[0].cursor, null)
    assert.equal(typeof vars[1].cursor, 'string')
  }, SEED)
})

test('an artifact downloads by manifest, verified, into its folder; again it is skipped', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const [ds, model] = await drain(run.loggedArtifacts())
    const manifest = await ds.manifest()
    assert.deepEqual(manifest.map((e) => [e.path, e.size]).sort(), [['nested/readme.md', 7], [
      'train.csv',
      8,
    ]])
    assert.equal(
      manifest.find((e) => e.path === 'train.csv')!.digest,
      createHash('md5').update('a,b\n1,2\n').digest('base64'),
    )
    const dir = await mkdtemp(join(tmpdir(), 'wbx-art-'))
    const result = await ds.download(dir)
    assert.deepEqual(result.skippedReferences, [])
    assert.deepEqual(result.files.map((f) => [f.path, f.bytes, f.skipped]).sort(), [
      [join(dir, 'nested/readme.md'), 7, false],
      [join(dir, 'train.csv'), 8, false],
    ])
    assert.equal(await readFile(join(dir, 'train.csv'), 'utf8'), 'a,b\n1,2\n')
    const again = await ds.download(dir)
    assert.ok(again.files.every((f) => f.skipped))
    const modelDir = await mkdtemp(join(tmpdir(), 'wbx-art-'))
    await model.download(modelDir)
    assert.deepEqual(new Uint8Array(await readFile(join(modelDir, 'weights.bin'))), WEIGHTS)
    const urlQueries = server.requests.filter((r) =>
      r.operation === 'GetArtifactMembershipFileUrls'
    )
    assert.deepEqual(urlQueries[0].variables, {
      entity: ENTITY,
      project: PROJECT,
      collection: 'dataset',
      alias: 'v0',
      cursor: null,
      perPage: 1000,
    })
  }, SEED)
})

test('a corrupted artifact file fails its md5 check', async () => {
  await withServer(async (server) => {
    const corrupt = async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init)
      if (
        !String(input).includes('/wandb-artifacts/') || String(input).includes('manifest') ||
        !res.ok
      ) return res
      const bytes = new Uint8Array(await res.arrayBuffer())
      bytes[bytes.length - 1] ^= 1
      return new Response(bytes, { status: res.status, headers: res.headers })
    }
    const run = await apiFor(server, { fetch: corrupt as typeof fetch }).run(PATH)
    const [, model] = await drain(run.loggedArtifacts())
    const dir = await mkdtemp(join(tmpdir(), 'wbx-art-'))
    await assert.rejects(model.download(dir), (err: unknown) => {
      assert.ok(err instanceof WandbApiError)
      assert.equal(err.code, 'download')
      assert.match(err.message, /^Cannot accept weights.bin: the md5 is/)
      return true
    })
  }, SEED)
})

test('listing artifacts of a missing run fails with not-found', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const ghost = new Run(apiFor(server), ENTITY, PROJECT, 'ghost', { name: 'ghost' })
    await assert.rejects(
      drain(ghost.loggedArtifacts()),
      /Cannot list artifacts of test-entity\/test-project\/ghost: the server has no such run/,
    )
    assert.throws(() => run.loggedArtifacts({ perPage: 0 }), RangeError)
  }, SEED)
})
