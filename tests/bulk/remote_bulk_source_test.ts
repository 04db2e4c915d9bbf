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

test('a listed run is made anew on each open, with the same values; a prefetch serves the next open', async () => {
  await withProject(2, async (server, api) => {
    const [handle] = await new RemoteBulkSource(api, 'bulk/remote-src').list({}, signal)
    const before = server.requests.length
    const first = await handle.open(signal)
    const second = await handle.open(signal)
    assert.notEqual(first, second, 'the handle holds text, not an opened run')
    assert.equal(server.requests.length, before, 'opening sends no request')
    for (const key of ['id', 'name', 'state', 'createdAt', 'lastHistoryStep'] as const) {
      assert.equal(second[key], first[key], key)
    }
    assert.deepEqual(second.config, first.config)
    assert.deepEqual(second.summary, first.summary)
    assert.deepEqual(second.historyKeys, first.historyKeys)
    assert.ok(Object.keys(first.config).length > 0 && 'loss' in first.historyKeys)
    // What one opened run asked for ahead, the run opened next for the export reads.
    first.prefetchHistory!(signal)
    const rows = await rowsOf((await handle.open(signal)).history({
      minStep: 0,
      maxStep: Number.MAX_SAFE_INTEGER,
      signal,
    }))
    const asked = server.requests.slice(before).filter((r) => r.operation === 'RunParquetHistory')
    assert.equal(asked.length, 1, 'one RunParquetHistory for the prefetch and the scan')
    assert.deepEqual(rows, serverHistory(server, 'bulk', 'remote-src', handle.id))
  })
})
