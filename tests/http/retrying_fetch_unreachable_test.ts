import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { createServer as createHttpServer } from 'node:http'
import {
  type RetryEvent,
  retryingFetch,
  TransferFailure,
  UnreachableError,
  unreachableReason,
} from '../../src/http/retrying_fetch.ts'
import { HttpGraphqlTransport } from '../../src/api/transport.ts'
import { DEFAULT_RETRY_POLICY } from '../../src/http/retry_policy.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('unreachableReason reads the connection errors of Deno, Bun and Node', () => {
  const deno = new TypeError('fetch failed', {
    cause: new Error(
      'error sending request for url (http://127.0.0.1:1/): client error (Connect): tcp connect error: Connection refused (os error 111)',
    ),
  })
  const bun = Object.assign(new TypeError('ECONNREFUSED: Unable to connect.'), {
    code: 'ECONNREFUSED',
  })
  const node = new TypeError('fetch failed', {
    cause: Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }),
  })
  assert.equal(unreachableReason(deno), 'connection refused')
  assert.equal(unreachableReason(bun), 'connection refused')
  assert.match(unreachableReason(node)!, /DNS lookup failed/)
  assert.equal(
    unreachableReason(new TypeError('fetch failed', { cause: new Error('ECONNRESET') })),
    undefined,
  )
})

test('a server that refuses connections fails within seconds, naming the URL and WANDB_BASE_URL', async () => {
  const baseUrl = `http://127.0.0.1:${await closedPort()}`
  const transport = new HttpGraphqlTransport({ baseUrl, apiKey: 'k'.repeat(40) })
  const started = Date.now()
  const err = await transport.request('query Viewer { viewer { id } }').catch((e) => e)
  const seconds = (Date.now() - started) / 1000
  assert.ok(err instanceof WandbApiError, String(err))
  assert.equal(err.code, 'unreachable')
  assert.ok(seconds < 10, `failed after ${seconds} s`)
  assert.match(
    err.message,
    new RegExp(`cannot reach ${baseUrl.replace(/\./g, '\\.')}: connection refused`),
  )
  assert.match(err.message, /check WANDB_BASE_URL/)
  assert.equal(
    transport.policy.retries,
    DEFAULT_RETRY_POLICY.retries,
    'the normal budget is unchanged',
  )
})

test('a host name that does not resolve fails within seconds', async () => {
  const transport = new HttpGraphqlTransport({
    baseUrl: 'http://wbx-no-such-host.invalid',
    apiKey: 'k'.repeat(40),
  })
  const started = Date.now()
  const err = await transport.request('query Viewer { viewer { id } }').catch((e) => e)
  assert.ok(Date.now() - started < 10_000)
  assert.ok(err instanceof WandbApiError, String(err))
  assert.equal(err.code, 'unreachable', err.message)
  assert.match(err.message, /wbx-no-such-host\.invalid: its host name does not resolve/)
})

test('a host that answered before is retried in full when it refuses later (a restart)', async () => {
  const server = createHttpServer((_req, res) => res.end('ok'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/x`
  const policy = { ...DEFAULT_RETRY_POLICY, retries: 4, retryWaitMinMs: 1, retryWaitMaxMs: 5 }
  const events: RetryEvent[] = []
  const first = await retryingFetch(url, {}, { fetch, policy })
  assert.equal(await first.text(), 'ok')
  server.closeAllConnections?.() // a keep-alive socket would hold close() open
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const err = await retryingFetch(url, {}, { fetch, policy, onRetry: (e) => events.push(e) })
    .catch((e) => e)
  assert.ok(err instanceof TransferFailure && !(err instanceof UnreachableError), String(err))
  assert.equal(err.exhausted, true)
  assert.equal(events.length, 4, 'every retry is announced')
})

test('onRetry reports what failed, the attempt, the attempts allowed and the wait', async () => {
  let calls = 0
  const fakeFetch = (() => {
    calls++
    return Promise.resolve(new Response('busy', { status: calls <= 2 ? 503 : 200 }))
  }) as typeof fetch
  const events: RetryEvent[] = []
  const policy = { ...DEFAULT_RETRY_POLICY, retries: 5, retryWaitMinMs: 10, retryWaitMaxMs: 100 }
  const res = await retryingFetch('https://api.example.com/graphql?token=secret', {}, {
    fetch: fakeFetch,
    policy,
    random: () => 0.5,
    onRetry: (e) => events.push(e),
  })
  assert.equal(res.status, 200)
  assert.deepEqual(events, [
    {
      url: 'https://api.example.com/graphql',
      detail: 'HTTP 503',
      status: 503,
      attempt: 1,
      maxAttempts: 6,
      delayMs: 5,
    },
    {
      url: 'https://api.example.com/graphql',
      detail: 'HTTP 503',
      status: 503,
      attempt: 2,
      maxAttempts: 6,
      delayMs: 10,
    },
  ])
})
