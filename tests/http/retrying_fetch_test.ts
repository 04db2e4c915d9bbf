/** The retrying fetch's guards: where credentials may go, redacted URLs, body caps, truncated-body retries. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  inCredentialScope,
  readCapped,
  retryingFetch,
  safeUrl,
  TransferFailure,
} from '../../src/http/retrying_fetch.ts'

const POLICY = {
  retries: 2,
  retryWaitMinMs: 1,
  retryWaitMaxMs: 2,
  maxRetryTimeMs: 10_000,
  timeoutMs: 5_000,
}

test('credentials go only to the same scheme, host, port and a path under the scope', () => {
  const scope = new URL('https://wandb.example/api/')
  assert.equal(inCredentialScope(new URL('https://wandb.example/api/graphql'), scope), true)
  assert.equal(inCredentialScope(new URL('https://wandb.example/api'), scope), true)
  assert.equal(inCredentialScope(new URL('https://wandb.example/apix/graphql'), scope), false)
  assert.equal(inCredentialScope(new URL('http://wandb.example/api/graphql'), scope), false)
  assert.equal(inCredentialScope(new URL('https://wandb.example:8443/api/x'), scope), false)
  assert.equal(inCredentialScope(new URL('https://storage.example/api/x'), scope), false)
})

test('safeUrl drops the query string and user info', () => {
  assert.equal(
    safeUrl('https://user:pw@storage.example/b/f.parquet?Signature=s3cret'),
    'https://storage.example/b/f.parquet',
  )
  assert.equal(safeUrl('::'), '<invalid URL>')
})

test('readCapped returns the whole body under the cap and fails past it', async () => {
  const body = new Uint8Array([1, 2, 3, 4, 5])
  assert.deepEqual([...await readCapped(new Response(body), 5)], [1, 2, 3, 4, 5])
  assert.deepEqual([...await readCapped(new Response(body), Infinity)], [1, 2, 3, 4, 5])
  await assert.rejects(
    readCapped(new Response(body), 4),
    (err: unknown) => err instanceof TransferFailure && /over the cap/.test(err.message),
  )
})

test('a body that fails validation is fetched again, and the retry is reported', async () => {
  const bodies = ['{"partial":', '{"ok":true}']
  const events: number[] = []
  const fetch = (() => Promise.resolve(new Response(bodies.shift()))) as typeof globalThis.fetch
  const response = await retryingFetch('https://wandb.example/graphql', {}, {
    fetch,
    policy: POLICY,
    buffer: true,
    validate: (bytes) => void JSON.parse(new TextDecoder().decode(bytes)),
    onRetry: (e) => events.push(e.attempt),
  })
  assert.deepEqual(await response.json(), { ok: true })
  assert.deepEqual(events, [1])
})

test('after its retries a 503 becomes a TransferFailure naming the attempts', async () => {
  let calls = 0
  const fetch = (() => {
    calls++
    return Promise.resolve(new Response('busy', { status: 503 }))
  }) as typeof globalThis.fetch
  await assert.rejects(
    retryingFetch('https://wandb.example/graphql', {}, { fetch, policy: POLICY }),
    (err: unknown) => {
      assert.ok(err instanceof TransferFailure)
      assert.match(err.message, /^gave up after 3 attempts: .*503/)
      return true
    },
  )
  assert.equal(calls, 3)
})
