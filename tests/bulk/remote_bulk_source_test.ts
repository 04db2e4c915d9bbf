import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Api } from '../../src/api/api.ts'
import { RemoteBulkSource } from '../../src/bulk/remote_bulk_source.ts'
import { flattenRow } from '../../src/export/flatten.ts'
import type { Row } from '../../src/row.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { addRuns, fastApi, runId, serverHistory, stepsOf } from './_project.ts'

const signal = new AbortController().signal

async function withProject(count: number, fn: (server: TestServer, api: Api) => Promise<void>) {
  const server = await startTestServer()
  try {
    addRuns(server, 'bulk', 'remote-src', count)
    await fn(server, new Api(fastApi(server)))
  } finally {
    await server.stop()
  }
}

async function rowsOf(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) for (const row of batch) rows.push({ ...flattenRow(row) })
  return rows
}

test('RemoteBulkSource lists every run of the project across listing pages, in creation order', async () => {
  await withProject(5, async (server, api) => {
    const source = new RemoteBulkSource(api, 'bulk/remote-src', { perPage: 2 })
    assert.equal(source.remote, true)
    assert.deepEqual(source.description, {
      kind: 'remote',
      path: 'bulk/remote-src',
      baseUrl: server.baseUrl,
    })
    const handles = await source.list({}, signal)
    assert.deepEqual(handles.map((h) => h.id), [0, 1, 2, 3, 4].map(runId))
    for (const h of handles) assert.match(h.createdAt ?? '', /^2024-01-01T00:0\d:00/)
    const listings = server.requests.filter((r) =>
      r.origin === 'api' && /Runs/.test(r.operation ?? '')
    )
    assert.ok(listings.length >= 3, `5 runs at 2 per page take 3 pages, saw ${listings.length}`)
  })
})

test('RemoteBulkSource applies --runs and a shard on the client too', async () => {
  await withProject(6, async (_server, api) => {
    const source = new RemoteBulkSource(api, 'bulk/remote-src')
    const picked = await source.list({ runs: [runId(1), runId(4), 'absent'] }, signal)
    assert.deepEqual(picked.map((h) => h.id), [runId(1), runId(4)])
    const halves = [
      await source.list({ shard: { index: 0, count: 2 } }, signal),
      await source.list({ shard: { index: 1, count: 2 } }, signal),
    ].map((hs) => hs.map((h) => h.id))
    assert.deepEqual([...halves[0], ...halves[1]].sort(), [0, 1, 2, 3, 4, 5].map(runId))
    assert.equal(halves[0].filter((id) => halves[1].includes(id)).length, 0, 'shards are disjoint')
  })
})

test('an opened remote bulk run is the listed run: metadata without a request, history as served', async () => {
  await withProject(3, async (server, api) => {
    const source = new RemoteBulkSource(api, 'bulk/remote-src')
    const handle = (await source.list({ runs: [runId(2)] }, signal))[0]
    const before = server.requests.length
    const run = await handle.open(signal)
    assert.equal(server.requests.length, before, 'opening a listed run costs no request')
    assert.equal(run.id, runId(2))
    assert.equal(run.systemSampled, true, 'the W&B API serves sampled system metrics')
    assert.equal(run.lastHistoryStep, stepsOf(2) - 1)
    assert.ok(Object.keys(run.historyKeys).length > 1)
    const rows = await rowsOf(run.history({ minStep: 0, maxStep: run.lastHistoryStep + 1, signal }))
    assert.deepEqual(rows, serverHistory(server, 'bulk', 'remote-src', runId(2)))
  })
})
