/** Requests to signed export URLs: no credentials, retries with the server's wait, redacted errors. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  expectedLength,
  type FetchLike,
  fetchSigned,
  redactSignedUrl,
  SignedUrlError,
} from '../../../src/api/history/signed_fetch.ts'
import type { RetryEvent } from '../../../src/http/retrying_fetch.ts'

const URL_WITH_SIGNATURE = 'https://storage.example/bucket/0.parquet?X-Goog-Signature=secret123'

/** A fetch that answers from `replies` in order and records each request's init. */
function scripted(replies: (() => Response)[]): { fetch: FetchLike; inits: RequestInit[] } {
  const inits: RequestInit[] = []
  const fetch: FetchLike = (_input, init = {}) => {
    inits.push(init)
    const next = replies.shift()
    if (!next) throw new Error('no more replies')
    return Promise.resolve(next())
  }
  return { fetch, inits }
}

test('redactSignedUrl drops the query string that holds the signature', () => {
  assert.equal(redactSignedUrl(URL_WITH_SIGNATURE), 'https://storage.example/bucket/0.parquet')
  assert.equal(redactSignedUrl('not a url'), '<invalid URL>')
})

test('fetchSigned removes Authorization and Cookie and omits credentials', async () => {
  const { fetch, inits } = scripted([() => new Response('ok')])
  const text = await fetchSigned(
    URL_WITH_SIGNATURE,
    { headers: { Authorization: 'Basic xyz', Cookie: 'a=b', Range: 'bytes=0-1' } },
    { fetch },
    (response) => response.text(),
  )
  assert.equal(text, 'ok')
  const headers = new Headers(inits[0].headers)
  assert.equal(headers.get('authorization'), null)
  assert.equal(headers.get('cookie'), null)
  assert.equal(headers.get('range'), 'bytes=0-1')
  assert.equal(inits[0].credentials, 'omit')
})

test("fetchSigned retries a 503 after the server's Retry-After and reports the retry redacted", async () => {
  const { fetch, inits } = scripted([
    () => new Response('busy', { status: 503, headers: { 'retry-after': '0' } }),
    () => new Response('done'),
  ])
  const events: RetryEvent[] = []
  const text = await fetchSigned(
    URL_WITH_SIGNATURE,
    {},
    { fetch, retryWaitMinMs: 10_000, onRetry: (e) => events.push(e) },
    (response) => response.text(),
  )
  assert.equal(text, 'done')
  assert.equal(inits.length, 2)
  assert.deepEqual(events, [{
    url: 'https://storage.example/bucket/0.parquet',
    detail: 'HTTP 503',
    status: 503,
    attempt: 1,
    maxAttempts: 5,
    delayMs: 0,
  }])
})

test('fetchSigned does not retry a SignedUrlError from consume', async () => {
  const { fetch, inits } = scripted([() => new Response('gone', { status: 403 })])
  await assert.rejects(
    fetchSigned(URL_WITH_SIGNATURE, {}, { fetch }, (response) => {
      throw new SignedUrlError(`HTTP ${response.status}`, response.status)
    }),
    (err: unknown) => err instanceof SignedUrlError && err.status === 403,
  )
  assert.equal(inits.length, 1)
})

test('fetchSigned gives up after its retries, naming the URL without its signature', async () => {
  const { fetch, inits } = scripted([
    () => new Response('', { status: 500 }),
    () => new Response('', { status: 500 }),
  ])
  await assert.rejects(
    fetchSigned(URL_WITH_SIGNATURE, {}, { fetch, retries: 1, retryWaitMinMs: 1 }, (r) => r.text()),
    (err: Error) => {
      assert.match(
        err.message,
        /^Cannot GET https:\/\/storage\.example\/bucket\/0\.parquet: HTTP 500/,
      )
      assert.match(err.message, /after 2 attempts/)
      assert.doesNotMatch(err.message, /secret123/)
      return true
    },
  )
  assert.equal(inits.length, 2)
})

test('expectedLength reads Content-Range for 206 and Content-Length otherwise', () => {
  const partial = new Response('abcd', {
    status: 206,
    headers: { 'content-range': 'bytes 10-13/100', 'content-length': '4' },
  })
  assert.equal(expectedLength(partial), 4)
  assert.equal(expectedLength(new Response('x', { headers: { 'content-length': '7' } })), 7)
  assert.equal(
    expectedLength(new Response(null, { headers: { 'content-length': 'x' } })),
    undefined,
  )
})
