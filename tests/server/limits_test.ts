import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { VIEWER_QUERY } from '../../src/api/queries.ts'
import { startTestServer, TEST_API_KEY } from './test_server.ts'
import { basicAuth, gql, gqlData } from './_client.ts'
import { ServerLimits } from './limits.ts'

const OTHER_KEY = 'otherkey0123456789abcdef0123456789abcdef'

test('over the rate a key gets 429 with Retry-After and RateLimit headers; another key has its own bucket', async () => {
  let t = 1_000_000
  const server = await startTestServer({
    apiKeys: [TEST_API_KEY, OTHER_KEY],
    limits: { rate: 0.5, burst: 3, now: () => t },
    generatedProjects: [{ entity: 'e', project: 'p', runs: 1, sizes: 'fixed:300', metrics: 2 }],
  })
  try {
    const statuses: number[] = []
    let last: Response | undefined
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${server.baseUrl}/graphql`, {
        method: 'POST',
        headers: { authorization: basicAuth(TEST_API_KEY), 'content-type': 'application/json' },
        body: JSON.stringify({ query: VIEWER_QUERY.document }),
      })
      statuses.push(last.status)
      if (i < 4) await last.body?.cancel()
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429])
    assert.equal(last!.headers.get('retry-after'), '2') // one token at 0.5/s
    assert.equal(last!.headers.get('ratelimit-remaining'), '0')
    assert.equal(last!.headers.get('ratelimit-reset'), '6')
    assert.deepEqual(await last!.json(), { errors: [{ message: 'rate limit exceeded' }] })
    assert.equal((await gql(server, VIEWER_QUERY.document, {}, { apiKey: OTHER_KEY })).status, 200)
    t += 2000
    assert.equal((await gql(server, VIEWER_QUERY.document)).status, 200, 'a token came back')
    assert.equal(server.limits.limiter!.refused, 2)
    assert.equal(server.requests.filter((r) => r.rateLimited).length, 2)
    // A new limit between two measurements: full buckets, the new rate.
    server.limits.setRate(1, 1)
    assert.equal((await gql(server, VIEWER_QUERY.document)).status, 200)
    const over = await gql(server, VIEWER_QUERY.document)
    assert.equal(over.status, 429)
    assert.equal(server.limits.limiter!.refused, 1)
    server.limits.setRate(undefined)
    assert.equal((await gql(server, VIEWER_QUERY.document)).status, 200)
    assert.ok(server.requests.filter((r) => r.rateLimited).every((r) => r.status === 429))
  } finally {
    await server.stop()
  }
})

test('a streamed export answers HEAD, ranges and whole GETs with the laid-out bytes, through the bandwidth cap', async () => {
  const server = await startTestServer({
    limits: { storageBandwidth: 1e12 },
    generatedProjects: [{ entity: 'e', project: 'p', runs: 1, sizes: 'fixed:25000', metrics: 3 }],
  })
  try {
    const id = server.generated[0].runs[0].id
    const data = await gqlData(
      server,
      `query ($e: String!, $p: String!, $r: String!) { project(name: $p, entityName: $e) {
        run(name: $r) { parquetHistory(liveKeys: ["_step"]) { parquetUrls } } } }`,
      { e: 'e', p: 'p', r: id },
    )
    const [url] = data.project.run.parquetHistory.parquetUrls
    const head = await fetch(url, { method: 'HEAD' })
    const size = Number(head.headers.get('content-length'))
    const md5 = head.headers.get('x-goog-hash')!.slice(4)
    const whole = new Uint8Array(await (await fetch(url)).arrayBuffer())
    assert.equal(whole.byteLength, size)
    assert.equal(createHash('md5').update(whole).digest('base64'), md5)
    const tail = await fetch(url, { headers: { range: 'bytes=-8' } })
    assert.equal(tail.status, 206)
    assert.equal(tail.headers.get('content-range'), `bytes ${size - 8}-${size - 1}/${size}`)
    assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), whole.subarray(size - 8))
    assert.equal(new TextDecoder().decode(whole.subarray(size - 4)), 'PAR1')
    assert.equal(server.limits.bandwidth!.bytes, size + 8, 'every body byte went through the cap')
  } finally {
    await server.stop()
  }
})

test('latency is drawn per origin from the seed: the same seed gives the same delays', () => {
  const draw = (seed: number) => {
    const limits = new ServerLimits({ latencyMs: 100, storageLatencyMs: 20, seed })
    return [0, 1, 2].map(() => [limits.shaping('api').delayMs!, limits.shaping('files').delayMs!])
  }
  assert.deepEqual(draw(5), draw(5))
  const delays = draw(5)
  assert.ok(delays.every(([api, files]) => api > 20 && files < 100), JSON.stringify(delays))
  assert.equal(new ServerLimits().shaping('api').delayMs, 0)
  assert.equal(new ServerLimits({ rate: 1 }).shaping('files').bandwidth, undefined)
})
