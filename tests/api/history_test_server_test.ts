import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Row } from '../../src/row.ts'
import { HttpGraphqlTransport } from '../../src/api/transport.ts'
import {
  downloadHistoryExports,
  type HistoryScanReport,
  scanHistory,
} from '../../src/api/history/mod.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { generateRun } from '../server/generate_run.ts'
import type { HistoryTable } from '../server/history_table.ts'
import type { RunSeed } from '../server/run_seed.ts'
import { collect } from './_setup.ts'

const FAST = { retryWaitMinMs: 1, retryWaitMaxMs: 20 }

/** A transport for the test server with quick retries. */
function transportFor(server: TestServer): HttpGraphqlTransport {
  return new HttpGraphqlTransport({
    baseUrl: server.baseUrl,
    apiKey: server.apiKey,
    policy: { retries: 6, retryWaitMinMs: 1, retryWaitMaxMs: 10, timeoutMs: 5000 },
  })
}

/** Every row of a seed's history, as the server stores it. */
function rowsOf(seed: RunSeed): Row[] {
  const table = seed.history as HistoryTable
  return Array.from({ length: table.rowCount }, (_, i) => table.rowAt(i))
}

/** A generated run: sparse metrics, a nested dict, NaN/±Infinity, several export files. */
function bigRun(overrides: Partial<RunSeed> = {}): RunSeed {
  return generateRun({
    id: 'histrun1',
    steps: 450,
    metrics: 4,
    sparseEvery: 3,
    nonFiniteEvery: 7,
    nested: true,
    parquetFileRows: 120,
    parquetRowGroupRows: 25,
    liveTail: 37,
    ...overrides,
  })
}

test('test server: Parquet + live tail and GraphQL paging both give exactly the stored rows', async () => {
  const server = await startTestServer({ shuffleParquetUrls: true })
  try {
    const seed = bigRun()
    server.addRun(seed)
    const expected = rowsOf(seed)
    const transport = transportFor(server)
    const reports: HistoryScanReport[] = []
    const onComplete = (r: HistoryScanReport) => reports.push(r)
    const parquet = await collect(scanHistory(transport, seed, { pageSize: 100, onComplete }))
    const graphql = await collect(
      scanHistory(transport, seed, { source: 'graphql', pageSize: 100, onComplete }),
    )
    assert.equal(expected.length, 450)
    assert.deepEqual(parquet, expected)
    assert.deepEqual(graphql, expected)
    assert.ok(parquet.some((r) => Number.isNaN(r.loss)))
    assert.deepEqual(parquet[3].eval, expected[3].eval)
    assert.equal(reports[0].source, 'parquet')
    assert.equal(reports[0].parquetFiles, 4)
    assert.equal(reports[0].parquetRows, 413)
    assert.equal(reports[0].liveRows, 37)
    assert.equal(reports[0].liveFromStep, 413)
    assert.equal(reports[1].source, 'graphql')
    assert.equal(reports[1].livePages, 5)
  } finally {
    await server.stop()
  }
})

test('test server: faults on both origins change nothing in the rows', async () => {
  const server = await startTestServer({ seed: 7 })
  try {
    const seed = bigRun({ liveTail: 60 })
    server.addRun(seed)
    const truncate = server.fault({
      origin: 'files',
      method: 'GET',
      kind: 'truncate',
      probability: 0.2,
    })
    const drop = server.fault({ origin: 'files', method: 'GET', kind: 'drop', probability: 0.1 })
    const busy = server.fault({ origin: 'files', kind: 'status', status: 503, count: 3 })
    const limited = server.fault({
      origin: 'api',
      operation: 'HistoryPage',
      kind: 'status',
      status: 429,
      retryAfter: 0,
      count: 2,
    })
    const slow = server.fault({ origin: 'files', kind: 'slow', delayMs: 30, count: 2 })
    const rows = await collect(
      // A small first read (8 bytes): the footer and each row group are reads faults can hit.
      scanHistory(transportFor(server), seed, {
        pageSize: 20,
        exportFetch: FAST,
        exportTailBytes: 8,
      }),
    )
    assert.deepEqual(rows, rowsOf(seed))
    for (const [name, f] of Object.entries({ truncate, drop, busy, limited, slow })) {
      assert.ok(f.fired() > 0, `${name} fault never fired`)
    }
  } finally {
    await server.stop()
  }
})

test('test server: GET-only signed URLs (HEAD refused) read with GETs only, and no file request carries the key', async () => {
  const server = await startTestServer({ signedUrlHead: false })
  try {
    const seed = bigRun({ liveTail: 0 })
    server.addRun(seed)
    const rows = await collect(scanHistory(transportFor(server), seed, { keys: ['loss', 'eval'] }))
    const expected = rowsOf(seed).map((r) => {
      const out: Row = { _step: r._step, loss: r.loss }
      if (r.eval !== undefined) out.eval = r.eval
      return out
    })
    assert.deepEqual(rows, expected)
    const files = server.requests.filter((r) => r.origin === 'files')
    // No HEAD is sent: the first GET's Content-Range gives each file's size.
    assert.ok(files.every((r) => r.method === 'GET' && r.status === 206), 'GETs only, all 206')
    assert.ok(files.length >= 4)
    for (const r of files) assert.equal(r.headers.authorization, undefined, `${r.method} ${r.path}`)
    const api = server.requests.filter((r) => r.origin === 'api')
    assert.ok(api.every((r) => r.headers.authorization?.startsWith('Basic ')))
  } finally {
    await server.stop()
  }
})

test('test server: keys any/all and missing keys agree between strategies', async () => {
  const server = await startTestServer()
  try {
    const seed = bigRun()
    server.addRun(seed)
    const transport = transportFor(server)
    const keys = ['acc', 'eval.count', 'absent']
    const all = rowsOf(seed)
    for (const source of ['parquet', 'graphql'] as const) {
      const missing: string[][] = []
      const any = await collect(scanHistory(transport, seed, {
        keys,
        source,
        onMissingKeys: (k) => missing.push(k),
      }))
      assert.equal(any.length, 150, source) // acc and eval are logged on every third step
      assert.deepEqual(any[1], {
        _step: 3,
        acc: all[3].acc,
        'eval.count': 6,
      })
      assert.deepEqual(missing, [['absent']])
      const every = await collect(scanHistory(transport, seed, { keys, keysMode: 'all', source }))
      assert.deepEqual(every, [], 'no row has the absent key')
    }
  } finally {
    await server.stop()
  }
})

test('test server: downloadHistoryExports saves the served export bytes', async () => {
  const server = await startTestServer()
  const dir = await mkdtemp(join(tmpdir(), 'wbx-history-server-'))
  try {
    const seed = bigRun({ liveTail: 0 })
    server.addRun(seed)
    const result = await downloadHistoryExports(transportFor(server), seed, dir)
    assert.equal(result.paths.length, 4)
    assert.equal(result.containsLiveData, false)
    const served = server.requests.filter((r) => r.origin === 'files' && r.status === 200)
    assert.equal(served.length, 4)
    for (const [i, path] of result.paths.entries()) {
      assert.equal(path, join(dir, `test-entity_test-project_histrun1_${i}.runhistory.parquet`))
      const bytes = await readFile(path)
      assert.equal(bytes.subarray(0, 4).toString(), 'PAR1')
      assert.equal(bytes.subarray(-4).toString(), 'PAR1')
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
    await server.stop()
  }
})
