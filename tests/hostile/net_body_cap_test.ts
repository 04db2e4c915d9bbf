/**
 * Issue 10 item 9: GraphQL answers are read up to a cap (`maxResponseBytes`, default 128 MiB)
 * and a larger one fails at once, without retries and without reading the rest; a Parquet
 * export URL that ignores `Range` (and streams far more than the file) is read only up to the
 * end of each slice asked for, never buffered whole, and the scan still returns every row; an
 * artifact manifest is held to the same cap.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Api, type Row } from '../../mod.ts'
import { DEFAULT_TRANSFER_LIMITS } from '../../src/api/api_options.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import {
  type HostileServer,
  ignoreRange,
  oversizeBody,
  startHostileServer,
} from './_hostile_server.ts'

let server: TestServer
let proxy: HostileServer

before(async () => {
  server = await startTestServer()
  server.addRun(generateRun({
    entity: 'e',
    project: 'p',
    id: 'r1',
    steps: 3000,
    parquetRowGroupRows: 500,
    loggedArtifacts: [{ name: 'data', files: [{ name: 'a.txt', content: 'a' }] }],
  }))
  proxy = await startHostileServer(server)
})

after(async () => {
  await proxy.stop()
  await server.stop()
})

async function readAll(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) rows.push(...batch)
  return rows
}

test('the GraphQL body cap defaults to 128 MiB', () => {
  assert.equal(DEFAULT_TRANSFER_LIMITS.maxResponseBytes, 128 * 1024 * 1024)
})

test('a GraphQL answer past the cap fails at once, naming the cap, and is not read further', async () => {
  const rule = proxy.rule({ operation: 'Runs', reply: oversizeBody(200e6) })
  const start = proxy.requests.length
  try {
    const api = new Api({
      baseUrl: proxy.baseUrl,
      apiKey: proxy.apiKey,
      retryWaitMinMs: 5,
      maxResponseBytes: 1024 * 1024,
    })
    const reading = (async () => {
      for await (const _ of api.runs('e/p')) { /* read */ }
    })()
    await assert.rejects(reading, /larger than the 1048576-byte cap \(maxResponseBytes\)/)
    const sent = proxy.requests.slice(start).filter((r) => r.operation === 'Runs')
    assert.equal(sent.length, 1, 'not retried')
    assert.ok(sent[0].bytesSent < 16e6, `${sent[0].bytesSent} bytes sent before the client stopped`)
  } finally {
    rule.remove()
  }
})

test('a Parquet export URL ignoring Range and streaming 100 MB extra: every row, slices only', async () => {
  const api = new Api({ baseUrl: proxy.baseUrl, apiKey: proxy.apiKey, retryWaitMinMs: 5 })
  const run = await api.run('e/p/r1')
  const clean = await readAll(run.scanHistory({ source: 'parquet' }))
  assert.equal(clean.length, 3000)
  const rule = proxy.rule({
    origin: 'files',
    method: 'GET',
    request: ignoreRange,
    reply: oversizeBody(100e6),
  })
  const start = proxy.requests.length
  try {
    const rows = await readAll(run.scanHistory({ source: 'parquet' }))
    assert.deepEqual(rows, clean)
    const gets = proxy.requests.slice(start).filter((r) =>
      r.origin === 'files' && r.method === 'GET'
    )
    assert.ok(gets.length >= 2 && rule.fired() === gets.length)
    for (const r of gets) {
      assert.ok(
        r.bytesSent < 16e6,
        `${r.bytesSent} bytes sent for one slice: the body was read whole`,
      )
    }
  } finally {
    rule.remove()
  }
})

test('an artifact manifest past the cap fails naming the cap, not read further', async () => {
  const rule = proxy.rule({
    origin: 'files',
    path: /wandb_manifest\.json$/,
    reply: oversizeBody(200e6),
  })
  try {
    const api = new Api({
      baseUrl: proxy.baseUrl,
      apiKey: proxy.apiKey,
      retryWaitMinMs: 5,
      maxResponseBytes: 1024 * 1024,
    })
    const run = await api.run('e/p/r1')
    let artifact
    for await (const page of run.loggedArtifacts()) artifact = page[0]
    await assert.rejects(
      artifact!.manifest(),
      /Cannot read the manifest of artifact data:v0: it is larger than the 1048576-byte cap/,
    )
    const sent = proxy.requests.filter((r) => r.path.endsWith('wandb_manifest.json'))
    assert.ok(sent.length >= 1 && sent.every((r) => r.bytesSent < 16e6))
  } finally {
    rule.remove()
  }
})
