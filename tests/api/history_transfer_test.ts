import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Row } from '../../src/row.ts'
import { type HistoryScanReport, scanHistory } from '../../src/api/history/mod.ts'
import type { RunSeed } from '../server/run_seed.ts'
import { exportLayout, sampleRows } from '../server/sample_history.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import {
  collect,
  fileRequests,
  footerOnly,
  graphqlRequests,
  queueFileFaults,
  transportFor,
} from './_setup.ts'

const RUN = { entity: 'ent', project: 'proj', id: 'run1' }
const FAST = { retryWaitMinMs: 1, retryWaitMaxMs: 20 }

/** Dense rows 0..count-1 with one metric. */
function denseRows(count: number): Row[] {
  return Array.from({ length: count }, (_, step) => ({ _step: step, loss: step / 10 }))
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
const historyPages = (s: TestServer) =>
  graphqlRequests(s).filter((g) => g.operation === 'HistoryPage').length
const rangeGets = (s: TestServer) => fileRequests(s).filter((f) => f.method === 'GET').length

/** Starts the test server holding RUN and returns it with a fast-retrying transport for it. */
async function serve(run: Omit<RunSeed, 'entity' | 'project' | 'id'>) {
  const server = await startTestServer({ runs: [{ ...RUN, ...run }] })
  return { server, transport: transportFor(server) }
}

for (const [prefetch, ahead] of [[0, 0], [1, 1], [3, 3]]) {
  test(`prefetch ${prefetch}: while the reader holds page N, at most ${ahead} more page(s) are fetched`, async () => {
    const { server, transport } = await serve({ history: denseRows(50), parquetExport: false })
    try {
      const reader = scanHistory(transport, RUN, { pageSize: 5, prefetch }).getReader()
      const first = await reader.read()
      const second = await reader.read()
      assert.deepEqual(first.value?.map((r) => r._step), [0, 1, 2, 3, 4])
      assert.deepEqual(second.value?.map((r) => r._step), [5, 6, 7, 8, 9])
      await pause(60)
      assert.equal(historyPages(server), 2 + ahead)
      await pause(60)
      assert.equal(
        historyPages(server),
        2 + ahead,
        'nothing runs further ahead while the reader waits',
      )
      await reader.cancel()
    } finally {
      await server.stop()
    }
  })
}

test('export row groups are read one per pull, only as far as the prefetch bound', async () => {
  const { server, transport } = await serve(exportLayout(denseRows(64), { rowGroupRows: 8 }))
  try {
    const exportTailBytes = footerOnly(server.exportFiles(RUN.entity, RUN.project, RUN.id)[0])
    const reader = scanHistory(transport, RUN, { prefetch: 1, exportTailBytes }).getReader()
    const first = await reader.read()
    assert.deepEqual(first.value?.map((r) => r._step), [0, 1, 2, 3, 4, 5, 6, 7])
    await pause(60)
    const held = rangeGets(server)
    await pause(60)
    assert.equal(rangeGets(server), held, 'no range reads while the reader waits')
    const rest: Row[] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      assert.equal(value.length, 8, 'one row group per batch')
      rest.push(...value)
    }
    assert.equal(rest.length, 56)
    assert.ok(
      rangeGets(server) >= held + 6,
      `${rangeGets(server)} range reads in all, ${held} before`,
    )
  } finally {
    await server.stop()
  }
})

test('faults during Parquet range reads are retried; rows are neither duplicated nor dropped', async () => {
  const rows = sampleRows()
  const { server, transport } = await serve(
    exportLayout(rows, { exported: 50, files: 2, rowGroupRows: 6 }),
  )
  try {
    const faults = queueFileFaults(
      server,
      { kind: 'status', status: 503 },
      { kind: 'drop' },
      { kind: 'truncate' },
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'status', status: 500 },
      { kind: 'truncate' },
    )
    const got = await collect(scanHistory(transport, RUN, { exportFetch: FAST }))
    assert.equal(faults.filter((f) => f.fired() === 0).length, 0, 'every fault was served')
    assert.deepEqual(got, rows)
  } finally {
    await server.stop()
  }
})

test('exports that cannot be opened: parquet fails clearly (signature hidden), auto reads GraphQL', async () => {
  const rows = sampleRows()
  const { server, transport } = await serve(exportLayout(rows, { rowGroupRows: 6 }))
  try {
    for (let i = 0; i < 3; i++) queueFileFaults(server, { kind: 'status', status: 502 })
    const exportFetch = { ...FAST, retries: 2 }
    const err = await collect(scanHistory(transport, RUN, { source: 'parquet', exportFetch }))
      .then(() => undefined, (e: Error) => e)
    assert.ok(err instanceof Error)
    assert.match(
      err.message,
      /^Cannot open history export 1 of 1 \(http:\/\/127\.0\.0\.1:\d+\/wandb-history\/ent\/proj\/run1\/[0-9a-f]+\/part-00000\.parquet\)/,
    )
    assert.match(err.message, /HTTP 502 \(after 3 attempts\)/)
    assert.doesNotMatch(err.message, /Signature|sig\b/)

    for (let i = 0; i < 3; i++) queueFileFaults(server, { kind: 'status', status: 502 })
    let report: HistoryScanReport | undefined
    const got = await collect(
      scanHistory(transport, RUN, { exportFetch, onComplete: (r) => (report = r) }),
    )
    assert.deepEqual(got, rows)
    assert.equal(report?.source, 'graphql')
    assert.match(report?.exportFailure ?? '', /HTTP 502 \(after 3 attempts\)/)
  } finally {
    await server.stop()
  }
})

test('a range read failing mid-scan: parquet ends with an error, auto continues by GraphQL without gaps', async () => {
  const rows = denseRows(64)
  const { server, transport } = await serve(exportLayout(rows, { rowGroupRows: 8 }))
  try {
    const exportFetch = { ...FAST, retries: 1 }
    // The first read holds the footer only: the groups are read one by one, where faults land.
    const exportTailBytes = footerOnly(server.exportFiles(RUN.entity, RUN.project, RUN.id)[0])
    const forced = scanHistory(transport, RUN, {
      source: 'parquet',
      exportFetch,
      exportTailBytes,
    })
      .getReader()
    assert.equal((await forced.read()).value?.length, 8)
    await pause(30)
    for (let i = 0; i < 50; i++) queueFileFaults(server, { kind: 'status', status: 500 })
    await assert.rejects(async () => {
      for (;;) if ((await forced.read()).done) break
    }, /^Error: Cannot read row group \d of history export 1 of 1 .*HTTP 500 \(after 2 attempts\)/)

    server.faults.clear()
    let report: HistoryScanReport | undefined
    const auto = scanHistory(transport, RUN, {
      exportFetch,
      exportTailBytes,
      pageSize: 10,
      onComplete: (r) => (report = r),
    }).getReader()
    const got: Row[] = [...(await auto.read()).value ?? []]
    await pause(30)
    for (let i = 0; i < 50; i++) queueFileFaults(server, { kind: 'status', status: 500 })
    for (;;) {
      const { done, value } = await auto.read()
      if (done) break
      got.push(...value)
    }
    assert.deepEqual(got, rows)
    assert.equal(report?.source, 'parquet')
    // GraphQL picks up right after the last row the export gave (group 2 may or may not be read).
    assert.ok(report?.liveFromStep === 8 || report?.liveFromStep === 16, `${report?.liveFromStep}`)
    assert.equal(report?.liveRows, 64 - (report?.liveFromStep ?? 0))
    assert.match(report?.exportFailure ?? '', /HTTP 500 \(after 2 attempts\)/)
  } finally {
    await server.stop()
  }
})

test('a refused signed URL (403) fails at once, saying the URL may have expired', async () => {
  const { server, transport } = await serve(exportLayout(sampleRows(), { rowGroupRows: 6 }))
  try {
    queueFileFaults(server, { kind: 'status', status: 403 })
    await assert.rejects(
      collect(scanHistory(transport, RUN, { source: 'parquet', exportFetch: FAST })),
      /HTTP 403; a signed URL may have expired/,
    )
    assert.equal(rangeGets(server), 1, 'a 403 is not retried')
  } finally {
    await server.stop()
  }
})

test('the API key goes to the API origin only, never to the Parquet origin', async () => {
  const rows = sampleRows()
  const { server, transport } = await serve(exportLayout(rows, { exported: 40, files: 2 }))
  try {
    assert.deepEqual(await collect(scanHistory(transport, RUN)), rows)
    const wantedOps = ['RunHistoryKeys', 'RunParquetHistory', 'HistoryPage']
    const graphql = graphqlRequests(server)
    const files = fileRequests(server)
    assert.deepEqual([...new Set(graphql.map((g) => g.operation))], wantedOps)
    assert.ok(graphql.every((g) => g.headers.authorization?.startsWith('Basic ')))
    // Each small export arrives whole with its one suffix-range GET; no HEAD.
    assert.deepEqual(files.map((f) => `${f.method} ${f.headers.range}`), [
      'GET bytes=-1048576',
      'GET bytes=-1048576',
    ])
    for (const f of files) {
      assert.equal(
        f.headers.authorization,
        undefined,
        `${f.method} ${f.path} carried Authorization`,
      )
      assert.equal(f.headers.cookie, undefined)
    }
  } finally {
    await server.stop()
  }
})

test('aborting the signal ends the stream with its reason and stops further requests', async () => {
  const { server, transport } = await serve({ history: denseRows(100), parquetExport: false })
  try {
    const controller = new AbortController()
    const reader = scanHistory(transport, RUN, { pageSize: 10, signal: controller.signal })
      .getReader()
    assert.equal((await reader.read()).value?.length, 10)
    controller.abort(new Error('stop here'))
    await assert.rejects(async () => {
      for (;;) if ((await reader.read()).done) break
    }, /stop here/)
    // A read-ahead request sent just before the abort may reach the server a little later (Node's
    // undici); after that, nothing new arrives.
    await pause(50)
    const sent = graphqlRequests(server).length
    await pause(50)
    assert.equal(graphqlRequests(server).length, sent)
    assert.ok(historyPages(server) <= 3)
  } finally {
    await server.stop()
  }
})

test('cancelling the stream stops reading', async () => {
  const { server, transport } = await serve({ history: denseRows(100), parquetExport: false })
  try {
    const reader = scanHistory(transport, RUN, { pageSize: 10 }).getReader()
    await reader.read()
    await reader.cancel('enough')
    await pause(50)
    assert.ok(historyPages(server) <= 2, `${historyPages(server)} pages after cancel`)
  } finally {
    await server.stop()
  }
})
