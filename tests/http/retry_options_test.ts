/** One retry vocabulary: the deprecated names still have their effect, and the new name wins. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { normalizeRetryOptions } from '../../src/http/retry_options.ts'
import { DEFAULT_RETRY_POLICY, resolveRetryPolicy } from '../../src/http/retry_policy.ts'
import type { RetryEvent } from '../../src/http/retrying_fetch.ts'
import { HttpGraphqlTransport } from '../../src/api/transport.ts'
import { type FetchLike, fetchSigned } from '../../src/api/history/signed_fetch.ts'
import { downloadToFile } from '../../src/api/download_to_file.ts'
import type { GraphqlTransport } from '../../src/api/transport.ts'

test('normalizeRetryOptions maps every old name onto the new one and leaves out unset ones', () => {
  assert.deepEqual(normalizeRetryOptions({}), {})
  assert.deepEqual(normalizeRetryOptions({ waitMinMs: 1, waitMaxMs: 2, maxElapsedMs: 3 }), {
    retryWaitMinMs: 1,
    retryWaitMaxMs: 2,
    maxRetryTimeMs: 3,
  })
  assert.deepEqual(normalizeRetryOptions({ retryDelayMs: 4, maxRetryDelayMs: 5 }), {
    retryWaitMinMs: 4,
    retryWaitMaxMs: 5,
  })
  assert.deepEqual(normalizeRetryOptions({ attempts: 3 }), { retries: 2 })
  assert.deepEqual(normalizeRetryOptions({ attempts: 0 }), { retries: 0 })
  assert.deepEqual(normalizeRetryOptions({ retries: 1, timeoutMs: 9 }), {
    retries: 1,
    timeoutMs: 9,
  })
})

test('normalizeRetryOptions: the new name wins over every alias given with it', () => {
  assert.deepEqual(
    normalizeRetryOptions({
      retries: 7,
      attempts: 2,
      retryWaitMinMs: 10,
      waitMinMs: 1,
      retryDelayMs: 2,
      retryWaitMaxMs: 20,
      waitMaxMs: 3,
      maxRetryDelayMs: 4,
      maxRetryTimeMs: 30,
      maxElapsedMs: 5,
    }),
    { retries: 7, retryWaitMinMs: 10, retryWaitMaxMs: 20, maxRetryTimeMs: 30 },
  )
  assert.deepEqual(resolveRetryPolicy({ waitMinMs: 5 }), {
    ...DEFAULT_RETRY_POLICY,
    retryWaitMinMs: 5,
  })
})

/** A transport against a fetch that always answers 503, reporting each retry's wait. */
async function graphqlRetries(policy: Record<string, number>) {
  const events: RetryEvent[] = []
  let calls = 0
  const fetch = () => {
    calls++
    return Promise.resolve(new Response('{"errors":[{"message":"busy"}]}', { status: 503 }))
  }
  const transport = new HttpGraphqlTransport({
    baseUrl: 'http://wandb.example',
    apiKey: 'k'.repeat(40),
    fetch: fetch as typeof globalThis.fetch,
    policy: { retries: 2, timeoutMs: 5_000, ...policy },
    random: () => 0.999,
    onRetry: (e) => events.push(e),
  })
  const error = await transport.request('query Viewer { viewer { id } }').then(
    () => undefined,
    (e: Error) => e,
  )
  return { events, calls, error, policy: transport.policy }
}

test("RetryPolicy's old names (waitMinMs, waitMaxMs, maxElapsedMs) still shape the GraphQL retries", async () => {
  const old = await graphqlRetries({ waitMinMs: 20, waitMaxMs: 30 })
  assert.deepEqual(old.events.map((e) => e.delayMs), [19, 29], 'min 20 then capped at 30')
  assert.equal(old.policy.retryWaitMinMs, 20)
  const both = await graphqlRetries({ waitMinMs: 20, waitMaxMs: 30, retryWaitMinMs: 2 })
  assert.deepEqual(both.events.map((e) => e.delayMs), [1, 3], 'retryWaitMinMs wins')

  const budget = await graphqlRetries({ waitMinMs: 50, maxElapsedMs: 10 })
  assert.equal(budget.calls, 1, 'maxElapsedMs stops before the first 49 ms wait')
  assert.match(budget.error?.message ?? '', /retry budget of 10 ms spent/)
  const wins = await graphqlRetries({ waitMinMs: 5, maxElapsedMs: 1, maxRetryTimeMs: 60_000 })
  assert.equal(wins.calls, 3, 'maxRetryTimeMs wins: every retry is made')
})

/** Runs fetchSigned against two 503s and returns the waits it reported. */
async function signedWaits(options: Record<string, number>): Promise<number[]> {
  const replies = [503, 503, 200]
  const fetch: FetchLike = () => {
    const status = replies.shift()!
    return Promise.resolve(new Response(status === 200 ? 'ok' : 'busy', { status }))
  }
  const events: RetryEvent[] = []
  const text = await fetchSigned('https://storage.example/x?Signature=s', {}, {
    fetch,
    onRetry: (e) => events.push(e),
    ...options,
  }, (r) => r.text())
  assert.equal(text, 'ok')
  return events.map((e) => e.delayMs)
}

test("SignedFetchOptions' old names (retryDelayMs, maxRetryDelayMs) still shape signed-URL retries", async () => {
  const [first, second] = await signedWaits({ retryDelayMs: 8 })
  assert.ok(first >= 8 && first <= 10, `first wait ${first} is 8 ms plus jitter`)
  assert.ok(second >= 16 && second <= 20, `second wait ${second} doubles it`)
  assert.deepEqual(await signedWaits({ retryDelayMs: 8, maxRetryDelayMs: 3 }), [3, 3])
  const wins = await signedWaits({ retryDelayMs: 5_000, retryWaitMinMs: 1 })
  assert.ok(wins.every((ms) => ms <= 2.5), `retryWaitMinMs wins: ${wins}`)
  assert.deepEqual(
    await signedWaits({ retryDelayMs: 8, maxRetryDelayMs: 3, retryWaitMaxMs: 1 }),
    [1, 1],
    'retryWaitMaxMs wins',
  )
})

/** A transport whose downloads always send half the announced body, then fail. */
function cuttingTransport(onRetry?: (e: RetryEvent) => void) {
  let fetches = 0
  const transport: GraphqlTransport = {
    baseUrl: 'http://wandb.example',
    request: () => Promise.reject(new Error('unused')),
    fetchUrl: () => {
      fetches++
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(5))
          controller.error(new TypeError('connection reset'))
        },
      })
      return Promise.resolve(new Response(body, { status: 200 }))
    },
    onRetry,
  }
  return { transport, fetches: () => fetches }
}

test("DownloadToFileOptions' old attempts still bounds body retries; retries wins; each is reported", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-retry-options-'))
  try {
    const run = async (options: Record<string, number>) => {
      const events: RetryEvent[] = []
      const t = cuttingTransport((e) => events.push(e))
      const error = await downloadToFile(t.transport, 'http://files.example/f?sig=1', dir, 'f', {
        size: 10,
      }, options).then(() => undefined, (e: Error) => e)
      assert.match(error?.message ?? '', /connection reset/)
      return { fetches: t.fetches(), events }
    }
    assert.equal((await run({ attempts: 1 })).fetches, 1, 'attempts 1: no retry')
    const three = await run({ attempts: 3 })
    assert.equal(three.fetches, 3)
    assert.deepEqual(three.events.map((e) => [e.url, e.attempt, e.maxAttempts, e.status]), [
      ['http://files.example/f', 1, 3, 0],
      ['http://files.example/f', 2, 3, 0],
    ])
    assert.match(three.events[0].detail, /^HTTP 200 body cut off: .*connection reset/)
    assert.equal((await run({ attempts: 3, retries: 0 })).fetches, 1, 'retries wins')
    assert.equal((await run({})).fetches, 3, 'default: 2 retries')
    assert.deepEqual(await readdir(dir), [], 'no partial file is left behind')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
