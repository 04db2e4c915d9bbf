import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { Api } from '../../src/api/api.ts'
import { openRunCatalog } from '../../src/source/run_catalog.ts'
import { collect } from '../../src/streams/paged_stream.ts'
import { ownFixturesDir } from '../_fixtures.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

const SAMPLE = 'samples/wandb/latest-run'
let server: TestServer

before(async () => {
  server = await startTestServer()
  await server.addLocalRun(SAMPLE, { entity: 'demo-team' })
})

after(async () => {
  await server.stop()
})

test('a wandb/ folder lists its runs, each opening as a RunReader', async () => {
  const catalog = await openRunCatalog(join(ownFixturesDir, 'runs', 'wandb'))
  const entries = await catalog.list()
  assert.ok(entries.length >= 3, `${entries.length} runs`)
  assert.equal(new Set(entries.map((e) => e.id)).size, entries.length)
  const entry = entries.find((e) => e.id === 'wbxartifacts')
  assert.ok(entry)
  const run = await entry.open()
  assert.equal(run.id, 'wbxartifacts')
  assert.equal((await run.listArtifacts('logged')).length, 2)
})

test('a W&B project lists the same run, opening as a RunReader with the same history', async () => {
  const api = new Api({ baseUrl: server.baseUrl, apiKey: server.apiKey })
  const catalog = await openRunCatalog('demo-team/wbx-demo', { api: () => api })
  const entries = await catalog.list()
  assert.deepEqual(entries.map((e) => [e.id, e.state]), [['wbxdemo1', 'finished']])
  const remote = await entries[0].open()
  const local = await (await openRunCatalog('samples/wandb')).list()
  const localRun = await local.find((e) => e.id === 'wbxdemo1')!.open()
  const keys = { keys: ['lr'] }
  assert.deepEqual(
    await collect(remote.scanHistory(keys)),
    await collect(localRun.scanHistory(keys)),
  )
})

test('a folder lists a resumed run once, or once per folder with eachFolder; filters are refused', async () => {
  const catalog = await openRunCatalog(join(ownFixturesDir, 'runs', 'wandb'))
  assert.equal(catalog.kind, 'folder')
  const once = (await catalog.list()).filter((e) => e.id === 'wbxresumed')
  assert.equal(once.length, 1)
  const folders = (await catalog.list({ eachFolder: true })).filter((e) => e.id === 'wbxresumed')
  assert.equal(folders.length, 3)
  assert.equal(new Set(folders.map((e) => e.attributes.folder)).size, 3)
  assert.ok(folders.every((e) => typeof e.attributes.sizeBytes === 'number'))
  await assert.rejects(catalog.list({ filters: { state: 'finished' } }), /filters/)
})

test('a project lists with filters, and a cheap listing loads config when an entry opens', async () => {
  const api = new Api({ baseUrl: server.baseUrl, apiKey: server.apiKey })
  const catalog = await openRunCatalog('demo-team/wbx-demo', { api: () => api })
  assert.equal(catalog.kind, 'project')
  assert.deepEqual(await catalog.list({ filters: { state: 'crashed' } }), [])
  const [full] = await catalog.list()
  assert.equal(full.attributes.lastHistoryStep, 299)
  assert.match(String(full.attributes.url), /\/demo-team\/wbx-demo\/runs\/wbxdemo1$/)
  const [cheap] = await catalog.list({ full: false })
  assert.equal(cheap.attributes.lastHistoryStep, null)
  assert.equal(cheap.attributes.historyLineCount, 300)
  const config = (await full.open()).config
  assert.ok(Object.keys(config).length > 0)
  assert.deepEqual((await cheap.open()).config, config)
})
