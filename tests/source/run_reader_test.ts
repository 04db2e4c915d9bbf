import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { LocalRun } from '../../src/local/local_run.ts'
import { Api } from '../../src/api/api.ts'
import type { RunReader } from '../../src/source/run_reader.ts'
import { collect } from '../../src/streams/paged_stream.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

const SAMPLE = 'samples/wandb/latest-run'
let server: TestServer
let local: RunReader
let remote: RunReader

before(async () => {
  server = await startTestServer()
  await server.addLocalRun(SAMPLE, { entity: 'demo-team' })
  const api = new Api({ baseUrl: server.baseUrl, apiKey: server.apiKey })
  // Typed as the interface: each assignment is the compiler's check that the class implements it.
  local = await LocalRun.open(SAMPLE)
  remote = await api.run('demo-team/wbx-demo/wbxdemo1')
})

after(async () => {
  await server.stop()
})

test('both sources give one run the same identity through RunReader', () => {
  for (const key of ['id', 'name', 'project', 'state'] as const) {
    assert.deepEqual(remote[key], local[key], key)
  }
  // The W&B API writes createdAt as naive UTC (no `Z`), as the SDK reads it; a local log's has one.
  assert.equal(`${remote.createdAt}Z`, local.createdAt)
  // The sample is an offline run (no entity in its log); the server files it under demo-team.
  assert.equal(local.entity, '')
  assert.equal(remote.entity, 'demo-team')
  assert.deepEqual(remote.path.slice(1), local.path.slice(1))
  assert.deepEqual(remote.tags, local.tags)
  assert.deepEqual(remote.config, local.config)
  assert.equal(remote.historyLineCount, local.historyLineCount)
  assert.deepEqual(
    Object.keys(remote.historyKeys.keys).sort(),
    Object.keys(local.historyKeys.keys).sort(),
  )
})

test('readLastHistoryStep is a promise of the same step on both sources', async () => {
  const step = await local.readLastHistoryStep()
  assert.equal(step, 299)
  assert.equal(await remote.readLastHistoryStep(), step)
})

test('scanHistory takes one options type: the same keys selection gives the same rows', async () => {
  const options = { keys: ['val/loss', 'train.loss'], minStep: 10, maxStep: 20 }
  const localRows = await collect(local.scanHistory(options))
  const remoteRows = await collect(remote.scanHistory(options))
  assert.equal(localRows.length, 10)
  assert.deepEqual(remoteRows, localRows)
})

test('listFiles and listArtifacts give the same names on both sources', async () => {
  const names = (files: { name: string }[]) => files.map((f) => f.name).sort()
  const localFiles = await local.listFiles()
  assert.ok(localFiles.some((f) => f.name === 'output.log'), JSON.stringify(names(localFiles)))
  assert.deepEqual(names(await remote.listFiles()), names(localFiles))
  for (const direction of ['logged', 'used'] as const) {
    const localArtifacts = await local.listArtifacts(direction)
    const remoteArtifacts = await remote.listArtifacts(direction)
    assert.deepEqual(names(remoteArtifacts), names(localArtifacts), direction)
  }
})

test('consoleText is the output.log text on both sources', async () => {
  const text = async (r: RunReader) => await new Response(await r.consoleText()).text()
  const localText = await text(local)
  assert.ok(localText.length > 0)
  assert.equal(await text(remote), localText)
})

test('scanSystemMetrics streams rows on both sources (the server samples them)', async () => {
  const localRows = await collect(local.scanSystemMetrics())
  const remoteRows = await collect(remote.scanSystemMetrics())
  assert.ok(localRows.length > 0)
  assert.ok(remoteRows.length > 0 && remoteRows.length <= localRows.length)
  assert.ok('_timestamp' in remoteRows[0])
})

test('openFile gives the same bytes on both sources, and names a file the run lacks', async () => {
  const localFiles = await local.listFiles({ md5: true })
  const present = localFiles.filter((f) => f.present)
  assert.ok(present.length >= 2, JSON.stringify(localFiles.map((f) => f.name)))
  const remoteFiles = new Map((await remote.listFiles()).map((f) => [f.name, f]))
  for (const f of present) {
    const localBytes = new Uint8Array(
      await new Response(await local.openFile(f.name)).arrayBuffer(),
    )
    const remoteBytes = new Uint8Array(
      await new Response(await remote.openFile(f.name)).arrayBuffer(),
    )
    assert.equal(localBytes.length, f.sizeBytes, f.name)
    assert.deepEqual(remoteBytes, localBytes, f.name)
    assert.equal(remoteFiles.get(f.name)?.md5, f.md5, f.name)
  }
  // Opened again after its listing's URL was used: the run asks the server for the file anew.
  const again = await new Response(await remote.openFile('output.log')).text()
  assert.equal(again, await new Response(await local.openFile('output.log')).text())
  await assert.rejects(local.openFile('nope.txt'), /nope\.txt.*no such file/)
  await assert.rejects(remote.openFile('nope.txt'), /nope\.txt/)
  const txt = await remote.listFiles({ pattern: '%.txt' })
  assert.deepEqual(txt.map((f) => f.name), ['requirements.txt'])
})
