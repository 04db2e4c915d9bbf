import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'
import { Api } from '../../src/api/api.ts'
import { RUN_STATE_QUERY } from '../../src/api/queries.ts'
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../../src/http/retry_policy.ts'
import { inCredentialScope, retryingFetch } from '../../src/http/retrying_fetch.ts'
import { DEFAULT_RETRY_POLICY } from '../../src/http/retry_policy.ts'
import { runResponseSchema } from '../../src/api/schemas.ts'
import type { TestServer } from '../server/test_server.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

/** Requests the server saw for one GraphQL operation. */
function calls(server: TestServer, operation: string): number {
  return server.requests.filter((r) => r.operation === operation).length
}

/** Rejects unless `promise` fails with a WandbApiError; returns it. */
async function apiError(promise: Promise<unknown>): Promise<WandbApiError> {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof WandbApiError, `expected WandbApiError, got ${err}`)
    return err
  }
  assert.fail('expected the call to fail')
}

test('429 with Retry-After in seconds is retried after the server-given delay', async () => {
  await withServer(async (server) => {
    server.fault({ kind: 'status', status: 429, retryAfter: 1, operation: 'Run' })
    const started = Date.now()
    const run = await apiFor(server).run(PATH)
    assert.equal(run.id, RUN_ID)
    assert.ok(Date.now() - started >= 950, `waited only ${Date.now() - started} ms`)
    assert.equal(calls(server, 'Run'), 2)
  })
})

test('429 with Retry-After as an HTTP date is honoured', async () => {
  await withServer(async (server) => {
    server.fault({
      kind: 'status',
      status: 429,
      retryAfter: new Date(Date.now() + 2000).toUTCString(),
      operation: 'Run',
    })
    const started = Date.now()
    await apiFor(server).run(PATH)
    assert.ok(Date.now() - started >= 900, `waited only ${Date.now() - started} ms`)
    assert.equal(calls(server, 'Run'), 2)
  })
})

test('500, 502 and 503 are retried until the request succeeds', async () => {
  await withServer(async (server) => {
    for (const status of [500, 502, 503]) server.fault({ kind: 'status', status, operation: 'Run' })
    const run = await apiFor(server).run(PATH)
    assert.deepEqual(run.config, {
      learning_rate: 0.001,
      batch_size: 32,
      optimizer: 'adam',
      seed: 1,
    })
    assert.equal(calls(server, 'Run'), 4)
    assert.deepEqual(server.requests.filter((r) => r.operation === 'Run').map((r) => r.status), [
      500,
      502,
      503,
      200,
    ])
  })
})

test('a dropped connection and a truncated body are retried', async () => {
  await withServer(async (server) => {
    server.fault({ kind: 'drop', operation: 'Run' })
    server.fault({ kind: 'truncate', operation: 'Run' })
    const run = await apiFor(server).run(PATH)
    assert.equal(run.state, 'finished')
    assert.equal(calls(server, 'Run'), 3)
  })
})

test('a slow response hits the per-attempt timeout and is retried, before headers and mid-body', async () => {
  await withServer(async (server) => {
    server.fault({ kind: 'slow', delayMs: 5_000, operation: 'Run' })
    server.fault({ kind: 'slow', delayMs: 5_000, stallBody: true, operation: 'Run' })
    const started = Date.now()
    const run = await apiFor(server, { timeoutMs: 300 }).run(PATH)
    assert.equal(run.id, RUN_ID)
    const took = Date.now() - started
    assert.ok(took >= 550 && took < 4_000, `took ${took} ms`)
    assert.equal(calls(server, 'Run'), 3)
  })
})

test('non-retryable statuses fail at once with the status, operation and run path', async () => {
  await withServer(async (server) => {
    for (const status of [400, 403, 404, 409, 422, 501]) {
      const before = calls(server, 'Run')
      server.fault({ kind: 'status', status, operation: 'Run' })
      const err = await apiError(apiFor(server).run(PATH))
      assert.equal(err.status, status)
      assert.equal(err.code, 'http')
      assert.equal(err.operation, 'Run')
      assert.equal(err.runPath, PATH)
      assert.match(
        err.message,
        new RegExp(`^Run for ${PATH} failed: HTTP ${status}: injected fault: HTTP ${status}`),
      )
      assert.equal(calls(server, 'Run') - before, 1, `HTTP ${status} was retried`)
    }
  })
})

test('a wrong API key fails fast with 401, a hint, and never the key', async () => {
  await withServer(async (server) => {
    const badKey = 'wrong-key-0123456789abcdef0123456789abcdef'
    const err = await apiError(apiFor(server, { apiKey: badKey }).run(PATH))
    assert.equal(err.status, 401)
    assert.equal(err.serverMessage, 'user is not logged in')
    assert.match(err.message, /HTTP 401: user is not logged in; check WANDB_API_KEY/)
    assert.ok(!err.message.includes(badKey))
    assert.equal(calls(server, 'Run'), 1)
  })
})

test('GraphQL errors in a 200 response fail at once, with the server message', async () => {
  const bodies: string[] = []
  const fakeFetch = (_url: string | URL | Request, init?: RequestInit) => {
    bodies.push(String(init?.body))
    const body = {
      data: null,
      errors: [{ message: 'invalid state transition', path: ['project'] }],
    }
    return Promise.resolve(Response.json(body))
  }
  const api = new Api({
    baseUrl: 'https://api.example.test',
    apiKey: 'k'.repeat(40),
    fetch: fakeFetch as typeof fetch,
  })
  const err = await apiError(
    api.transport.request(RUN_STATE_QUERY, { entity: ENTITY, project: PROJECT, name: RUN_ID }, {
      runPath: PATH,
    }),
  )
  assert.equal(err.code, 'graphql')
  assert.equal(err.status, 200)
  assert.equal(err.operation, 'RunState')
  assert.equal(err.runPath, PATH)
  assert.equal(err.serverMessage, 'invalid state transition')
  assert.equal(err.message, `RunState for ${PATH} failed: GraphQL error: invalid state transition`)
  assert.equal(bodies.length, 1)
  assert.equal(JSON.parse(bodies[0]).operationName, 'RunState')
})

test('a document the server rejects (HTTP 400) fails at once with its validation message', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const err = await apiError(
      api.transport.request('query Broken { viewer { nope } }', {}, { runPath: PATH }),
    )
    assert.equal(err.code, 'http')
    assert.equal(err.status, 400)
    assert.equal(err.operation, 'Broken')
    assert.match(err.serverMessage ?? '', /nope/)
    assert.equal(calls(server, 'Broken'), 1)
  })
})

test('several GraphQL errors are joined; partial data is discarded', async () => {
  let requests = 0
  const fakeFetch = () => {
    requests++
    const body = {
      data: { project: null },
      errors: [{ message: 'first problem' }, { message: 'second problem' }],
    }
    return Promise.resolve(Response.json(body))
  }
  const api = new Api({
    baseUrl: 'https://api.example.test',
    apiKey: 'k'.repeat(40),
    fetch: fakeFetch as typeof fetch,
  })
  const err = await apiError(api.transport.request(RUN_STATE_QUERY, {}))
  assert.equal(err.serverMessage, 'first problem; second problem')
  assert.equal(err.code, 'graphql')
  assert.equal(requests, 1)
})

test('error messages never carry the API key or a whole response body', async () => {
  await withServer(async (server) => {
    const body = `oops ${server.apiKey} ` + 'x'.repeat(20_000)
    server.fault({ kind: 'status', status: 400, body, operation: 'Run' })
    const err = await apiError(apiFor(server).run(PATH))
    assert.ok(!err.message.includes(server.apiKey), err.message)
    assert.ok(!(err.serverMessage ?? '').includes(server.apiKey))
    assert.ok(err.message.includes('***'))
    assert.ok(err.message.length < 600, `message is ${err.message.length} chars`)
    assert.ok(!String(err.stack).includes(server.apiKey))
    assert.equal(err.cause, undefined)
  })
})

test('retries are bounded: after the last attempt the error says how many were made', async () => {
  await withServer(async (server) => {
    server.fault({ kind: 'status', status: 503, operation: 'Run', count: 100 })
    const err = await apiError(apiFor(server, { retries: 2 }).run(PATH))
    assert.equal(err.code, 'retries-exhausted')
    assert.equal(err.status, 503)
    assert.match(err.message, /gave up after 3 attempts: HTTP 503/)
    assert.equal(calls(server, 'Run'), 3)
  })
})

test('retries are bounded in total time: a Retry-After beyond the budget ends the request', async () => {
  await withServer(async (server) => {
    server.fault({ kind: 'status', status: 429, retryAfter: 60, operation: 'Run', count: 5 })
    const started = Date.now()
    const err = await apiError(apiFor(server, { maxRetryTimeMs: 1_000 }).run(PATH))
    assert.ok(Date.now() - started < 1_000)
    assert.match(err.message, /retry budget of 1000 ms spent/)
    assert.equal(err.status, 429)
  })
})

test('an AbortSignal cancels a request while it waits to retry', async () => {
  await withServer(async (server) => {
    server.fault({ kind: 'status', status: 503, retryAfter: 30, operation: 'Run' })
    const controller = new AbortController()
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 100)
    const started = Date.now()
    await assert.rejects(apiFor(server).run(PATH, { signal: controller.signal }), {
      name: 'AbortError',
    })
    assert.ok(Date.now() - started < 2_000)
  })
})

test('a response that does not match the zod schema fails with bad-response', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const err = await apiError(
      api.transport.request(RUN_STATE_QUERY, { entity: ENTITY, project: PROJECT, name: RUN_ID }, {
        schema: runResponseSchema,
      }),
    )
    assert.equal(err.code, 'bad-response')
    assert.match(err.message, /unexpected response shape at data\.project\.run\.name/)
  })
})

test('every GraphQL request carries the SDK auth scheme and headers', async () => {
  await withServer(async (server) => {
    await drain(apiFor(server).runs(`${ENTITY}/${PROJECT}`))
    const req = server.requests.find((r) => r.operation === 'Runs')!
    const auth = `Basic ${btoa(`api:${server.apiKey}`)}`
    assert.equal(req.headers.authorization, auth)
    assert.match(req.headers['user-agent'] ?? '', /^W&B Public Client /)
    assert.equal(req.headers['use-admin-privileges'], 'true')
    assert.equal(req.headers['content-type'], 'application/json')
    assert.ok('x-wandb-username' in req.headers)
    assert.ok('x-wandb-user-email' in req.headers)
    assert.ok(!req.url.includes(server.apiKey))
  })
})

test('retry policy: retryable statuses, full-jitter backoff, Retry-After parsing', () => {
  assert.deepEqual([408, 429, 500, 502, 503, 504, 599].map(isRetryableStatus), Array(7).fill(true))
  assert.deepEqual(
    [400, 401, 403, 404, 409, 410, 413, 422, 501].map(isRetryableStatus),
    Array(9).fill(false),
  )
  const policy = { retryWaitMinMs: 100, retryWaitMaxMs: 1_000 }
  assert.equal(backoffDelay(0, policy, () => 0.999999), 99)
  assert.equal(backoffDelay(3, policy, () => 0.5), 400)
  assert.equal(backoffDelay(10, policy, () => 0.5), 500)
  assert.equal(backoffDelay(5, policy, () => 0), 0)
  assert.equal(parseRetryAfter('2'), 2_000)
  assert.equal(parseRetryAfter('0.5'), 500)
  assert.equal(
    parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:30 GMT')),
    30_000,
  )
  assert.equal(
    parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:29:00 GMT')),
    0,
  )
  assert.equal(parseRetryAfter('soon'), undefined)
  assert.equal(parseRetryAfter(null), undefined)
})

test('credentials are scoped to the API origin and path prefix', () => {
  const scope = new URL('https://wandb.corp.net/api')
  assert.ok(inCredentialScope(new URL('https://wandb.corp.net/api/graphql'), scope))
  assert.ok(inCredentialScope(new URL('https://wandb.corp.net/api'), scope))
  assert.ok(!inCredentialScope(new URL('https://wandb.corp.net/apix/graphql'), scope))
  assert.ok(!inCredentialScope(new URL('https://wandb.corp.net:8443/api/graphql'), scope))
  assert.ok(!inCredentialScope(new URL('http://wandb.corp.net/api/graphql'), scope))
  assert.ok(!inCredentialScope(new URL('https://storage.googleapis.com/api/x'), scope))
  assert.ok(
    inCredentialScope(
      new URL('https://api.wandb.ai/files/e/p/r/a'),
      new URL('https://api.wandb.ai'),
    ),
  )
})

test('a redirect to another origin drops the Authorization header on that hop', async () => {
  const seen: [string, string | null][] = []
  const fakeFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input)
    seen.push([url, new Headers(init?.headers).get('authorization')])
    if (url.startsWith('https://api.example.test/')) {
      return Promise.resolve(
        new Response(null, {
          status: 302,
          headers: { location: 'https://bucket.example.test/f?sig=1' },
        }),
      )
    }
    return Promise.resolve(new Response('data'))
  }
  const response = await retryingFetch('https://api.example.test/files/e/p/r/a.txt', {
    method: 'GET',
  }, {
    fetch: fakeFetch as typeof fetch,
    policy: DEFAULT_RETRY_POLICY,
    credentials: { authorization: 'Basic c2VjcmV0', scope: 'https://api.example.test' },
  })
  assert.equal(await response.text(), 'data')
  assert.deepEqual(seen, [
    ['https://api.example.test/files/e/p/r/a.txt', 'Basic c2VjcmV0'],
    ['https://bucket.example.test/f?sig=1', null],
  ])
})
