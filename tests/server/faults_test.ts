import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HISTORY_PAGE_QUERY, VIEWER_QUERY } from '../../src/api/queries.ts'
import { FaultInjector } from './faults.ts'
import { generateRun } from './generate_run.ts'
import { startTestServer, type TestServer } from './test_server.ts'
import { basicAuth, gql } from './_client.ts'

async function withServer(fn: (s: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer({
    runs: [generateRun({ entity: 'e', project: 'p', id: 'r1', steps: 50 })],
  })
  try {
    await fn(server)
  } finally {
    await server.stop()
  }
}

function post(s: TestServer, operationName = 'Viewer'): Promise<Response> {
  return fetch(`${s.baseUrl}/graphql`, {
    method: 'POST',
    headers: { authorization: basicAuth(s.apiKey), 'content-type': 'application/json' },
    body: JSON.stringify({ query: VIEWER_QUERY.document, operationName }),
  })
}

test('429 with Retry-After (seconds or a date) fires the given number of times, then normal answers resume', async () => {
  await withServer(async (s) => {
    const rule = s.fault({
      kind: 'status',
      status: 429,
      retryAfter: 2,
      count: 2,
      operation: 'Viewer',
    })
    for (let i = 0; i < 2; i++) {
      const r = await post(s)
      assert.equal(r.status, 429)
      assert.equal(r.headers.get('retry-after'), '2')
      assert.deepEqual(await r.json(), { errors: [{ message: 'rate limit exceeded' }] })
    }
    const ok = await post(s)
    assert.equal(ok.status, 200)
    await ok.body?.cancel()
    assert.equal(rule.fired(), 2)
    const date = 'Wed, 21 Oct 2099 07:28:00 GMT'
    s.fault({ kind: 'status', status: 429, retryAfter: date })
    const dated = await post(s)
    assert.equal(dated.headers.get('retry-after'), date)
    await dated.body?.cancel()
    assert.deepEqual(s.requests.map((r) => r.fault ?? '-'), ['status', 'status', '-', 'status'])
  })
})

test('500, 502 and 503 are sent with a W&B-style error body, matched by operation name', async () => {
  await withServer(async (s) => {
    for (const status of [500, 502, 503]) {
      s.fault({ kind: 'status', status, operation: 'HistoryPage' })
      const untouched = await post(s, 'Viewer')
      assert.equal(untouched.status, 200, 'other operations pass')
      await untouched.body?.cancel()
      const vars = { entity: 'e', project: 'p', run: 'r1', minStep: 0, maxStep: 10, pageSize: 10 }
      const r = await gql(s, HISTORY_PAGE_QUERY.document, vars)
      assert.equal(r.status, status)
      assert.equal(r.body.errors[0].message, `injected fault: HTTP ${status}`)
    }
  })
})

test('a dropped connection makes fetch fail without any response', async () => {
  await withServer(async (s) => {
    s.fault({ kind: 'drop', origin: 'api' })
    await assert.rejects(post(s))
    const after = await post(s)
    assert.equal(after.status, 200)
    await after.body?.cancel()
    assert.equal(s.requests[0].status, 0)
    assert.equal(s.requests[0].fault, 'drop')
  })
})

test('a truncated body announces the full length and is cut short', async () => {
  await withServer(async (s) => {
    s.fault({ kind: 'truncate', truncateAt: 10 })
    const r = await post(s)
    assert.equal(r.status, 200)
    assert.ok(Number(r.headers.get('content-length')) > 10)
    await assert.rejects(r.text())
  })
})

test('slow responses stall before the headers or in the middle of the body', async () => {
  await withServer(async (s) => {
    s.fault({ kind: 'slow', delayMs: 300 })
    let t0 = Date.now()
    const r = await post(s)
    assert.ok(Date.now() - t0 >= 280, 'headers came after the delay')
    assert.equal(r.status, 200)
    await r.body?.cancel()
    s.fault({ kind: 'slow', delayMs: 300, stallBody: true })
    t0 = Date.now()
    const stalled = await post(s)
    const headersAt = Date.now() - t0
    const body = await stalled.json()
    assert.ok(headersAt < 250, `headers were prompt (${headersAt} ms)`)
    assert.ok(Date.now() - t0 >= 280, 'the body finished after the stall')
    assert.equal(body.data.viewer.entity, 'test-entity')
  })
})

test('a slow reply can be aborted by the client, and stop() ends stalled replies', async () => {
  await withServer(async (s) => {
    s.fault({ kind: 'slow', delayMs: 10_000, count: 2 })
    await assert.rejects(
      fetch(`${s.baseUrl}/graphql`, { method: 'POST', signal: AbortSignal.timeout(100) }),
      /abort|timeout/i,
    )
    const pending = post(s).then(async (r) => {
      await r.body?.cancel()
      return r.status
    }, () => 'failed')
    await new Promise((r) => setTimeout(r, 50))
    const t0 = Date.now()
    await s.stop()
    assert.ok(Date.now() - t0 < 2000, 'stop did not wait for the 10 s stall')
    await pending
  })
})

test('files-origin faults match by origin and path; skip lets the first requests through', async () => {
  await withServer(async (s) => {
    s.fault({ kind: 'status', status: 503, origin: 'files', path: '/wandb-files/', skip: 1 })
    const data = await gql(
      s,
      'query { project(name: "p", entityName: "e") { run(name: "r1") { files(names: ["output.log"]) { edges { node { directUrl } } } } } }',
    )
    const url = data.body.data.project.run.files.edges[0].node.directUrl
    const first = await fetch(url)
    assert.equal(first.status, 200)
    await first.body?.cancel()
    const second = await fetch(url)
    assert.equal(second.status, 503)
    assert.match(await second.text(), /<Code>InternalError<\/Code>/)
    const third = await fetch(url)
    assert.equal(third.status, 200)
    await third.body?.cancel()
  })
})

test('a GraphQL error inside a 200 answer, for one operation', async () => {
  await withServer(async (s) => {
    s.fault({ kind: 'graphql-error', operation: 'Viewer', message: 'permission denied' })
    const r = await post(s)
    assert.equal(r.status, 200)
    assert.deepEqual(await r.json(), { errors: [{ message: 'permission denied' }], data: null })
    const next = await post(s)
    assert.equal((await next.json()).data.viewer.entity, 'test-entity')
    assert.throws(() => s.fault({ kind: 'graphql-error', origin: 'files' }), /API origin only/)
  })
})

test('probabilities are deterministic for a seed', () => {
  const pattern = (seed: number) => {
    const f = new FaultInjector(seed)
    f.add({ kind: 'status', probability: 0.3 })
    return Array.from(
      { length: 40 },
      () => (f.decide({ origin: 'api', method: 'POST', path: '/graphql' }) ? 1 : 0),
    ).join('')
  }
  assert.equal(pattern(7), pattern(7))
  assert.notEqual(pattern(7), pattern(8))
  const fired = [...pattern(7)].filter((c) => c === '1').length
  assert.ok(fired > 4 && fired < 20, `about 30% fired (${fired}/40)`)
  assert.throws(() => new FaultInjector().add({ kind: 'status', probability: 2 }), RangeError)
  assert.throws(
    () => new FaultInjector().add({ kind: 'status', status: 200 }),
    /not an error status/,
  )
})
