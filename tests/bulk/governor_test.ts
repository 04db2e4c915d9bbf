import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Governor } from '../../src/bulk/governor.ts'

/** A fetch that answers each call with the next status (and headers) of a script. */
function scripted(
  answers: { status: number; headers?: Record<string, string>; delayMs?: number }[],
): typeof fetch & { calls: number[] } {
  const calls: number[] = []
  let i = 0
  const fn = async (_input: RequestInfo | URL, init?: RequestInit) => {
    const answer = answers[Math.min(i++, answers.length - 1)]
    calls.push(Date.now())
    if (answer.delayMs) {
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, answer.delayMs)
        init?.signal?.addEventListener('abort', () => {
          clearTimeout(t)
          reject(init.signal!.reason)
        })
      })
    }
    return new Response(null, { status: answer.status, headers: answer.headers })
  }
  return Object.assign(fn as typeof fetch, { calls })
}

/** Sends rounds of as many requests at once as the governor's limit allows. */
async function fullRounds(governor: Governor, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await Promise.all(Array.from({ length: governor.limit }, () => governor.fetch('http://x/')))
  }
}

test('until the first failure the limit grows by one per answer (slow start), up to the maximum', async () => {
  const governor = new Governor({
    maxConcurrency: 40,
    initialConcurrency: 2,
    fetch: scripted([{ status: 200, delayMs: 2 }]),
  })
  // +1 per answer that finds at least half the limit in use (the last answers of a round do
  // not): 2 → 3 → 5 → 7, where after a failure each round adds about one.
  const limits: number[] = []
  for (let i = 0; i < 3; i++) {
    await fullRounds(governor, 1)
    limits.push(governor.limit)
  }
  assert.deepEqual(limits, [3, 5, 7])
  await fullRounds(governor, 10)
  assert.equal(governor.limit, 40)
})

test('the limit does not grow while the client says it is busy (its event loop saturated)', async () => {
  let busy = true
  const governor = new Governor({
    maxConcurrency: 40,
    initialConcurrency: 2,
    busy: () => busy,
    fetch: scripted([{ status: 200, delayMs: 2 }]),
  })
  await fullRounds(governor, 3)
  assert.equal(governor.limit, 2)
  busy = false
  await fullRounds(governor, 1)
  assert.equal(governor.limit, 3)
})

test('after a failure the limit grows by about one per round of healthy answers', async () => {
  const governor = new Governor({
    maxConcurrency: 6,
    initialConcurrency: 4,
    decreaseIntervalMs: 20,
    fetch: scripted([{ status: 503 }, { status: 200, delayMs: 2 }]),
  })
  await governor.fetch('http://x/')
  assert.equal(governor.limit, 2)
  await new Promise((r) => setTimeout(r, 25))
  await fullRounds(governor, 1)
  assert.equal(governor.limit, 2) // 2 + 1/2 (the second answer found 1 of 2 in use: 1·2 >= 2)
  await fullRounds(governor, 40)
  assert.equal(governor.limit, 6)
  assert.deepEqual(
    governor.history.filter((s) => s.event === 'increase').map((s) => s.limit),
    [3, 4, 5, 6],
  )
})

test('a limit less than half in use does not grow: more slots would not raise throughput', async () => {
  const governor = new Governor({
    maxConcurrency: 16,
    initialConcurrency: 4,
    fetch: scripted([{ status: 200 }]),
  })
  for (let i = 0; i < 100; i++) await governor.fetch('http://x/') // one at a time
  assert.equal(governor.stats.succeeded, 100)
  assert.equal(governor.limit, 4)
  assert.equal(governor.history.filter((s) => s.event === 'increase').length, 0)
})

test('a 429 or 5xx halves the limit once per interval; 501 and 404 do not', async () => {
  const governor = new Governor({
    maxConcurrency: 16,
    initialConcurrency: 16,
    decreaseIntervalMs: 50,
    fetch: scripted([
      { status: 429 },
      { status: 503 }, // within the interval: no second halving
      { status: 404 },
      { status: 501 },
    ]),
  })
  for (let i = 0; i < 4; i++) await governor.fetch('http://x/')
  assert.equal(governor.limit, 8)
  assert.equal(governor.stats.throttled, 1)
  assert.equal(governor.stats.serverErrors, 1)
  assert.equal(governor.stats.decreases, 1)
  await new Promise((r) => setTimeout(r, 60))
  const again = new Governor({
    maxConcurrency: 16,
    initialConcurrency: 8,
    minConcurrency: 2,
    decreaseIntervalMs: 0,
    fetch: scripted([{ status: 502 }]),
  })
  for (let i = 0; i < 5; i++) await again.fetch('http://x/')
  assert.equal(again.limit, 2, 'never below minConcurrency')
  assert.deepEqual(
    again.history.filter((s) => s.event === 'decrease').map((s) => [s.limit, s.status]),
    [[4, 502], [2, 502], [2, 502], [2, 502], [2, 502]],
  )
})

test('the limit does not grow again until a whole interval passed without a failure', async () => {
  const governor = new Governor({
    maxConcurrency: 8,
    initialConcurrency: 8,
    decreaseIntervalMs: 100,
    fetch: scripted([{ status: 503 }, ...Array(20).fill({ status: 200 })]),
  })
  await governor.fetch('http://x/')
  assert.equal(governor.limit, 4)
  await fullRounds(governor, 3)
  assert.equal(governor.limit, 4, 'healthy answers right after a failure do not raise the limit')
  await new Promise((r) => setTimeout(r, 110))
  await fullRounds(governor, 3)
  assert.ok(governor.limit > 4)
})

test('Retry-After holds every new request until it passes', async () => {
  const fetch = scripted([{ status: 429, headers: { 'retry-after': '0.3' } }, { status: 200 }])
  const governor = new Governor({ maxConcurrency: 4, fetch })
  const t0 = Date.now()
  await governor.fetch('http://x/')
  assert.ok(governor.pausedUntil >= t0 + 250)
  await Promise.all([governor.fetch('http://x/'), governor.fetch('http://x/')])
  assert.ok(fetch.calls[1] - t0 >= 280, `second request after ${fetch.calls[1] - t0} ms`)
  assert.ok(fetch.calls[2] - t0 >= 280)
  assert.equal(governor.stats.pauses, 1)
  assert.ok(governor.history.some((s) => s.event === 'pause' && s.status === 429))
})

test('RateLimit-Remaining: 0 with RateLimit-Reset pauses until the reset', async () => {
  const fetch = scripted([
    { status: 200, headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': '0.2' } },
    { status: 200 },
  ])
  const governor = new Governor({ fetch })
  const t0 = Date.now()
  await governor.fetch('http://x/')
  await governor.fetch('http://x/')
  assert.ok(fetch.calls[1] - t0 >= 180, `second request after ${fetch.calls[1] - t0} ms`)
})

test('no more requests are in flight than the limit', async () => {
  const fetch = scripted([{ status: 200, delayMs: 20 }])
  const governor = new Governor({ maxConcurrency: 3, initialConcurrency: 3, fetch })
  let peak = 0
  const watch = setInterval(() => (peak = Math.max(peak, governor.inFlight)), 1)
  await Promise.all(Array.from({ length: 12 }, () => governor.fetch('http://x/')))
  clearInterval(watch)
  assert.ok(peak <= 3 && peak >= 2, `peak ${peak}`)
  assert.equal(governor.inFlight, 0)
})

test('maxRequestsPerSecond spaces request starts evenly', async () => {
  const fetch = scripted([{ status: 200 }])
  const governor = new Governor({ maxConcurrency: 8, maxRequestsPerSecond: 50, fetch })
  await Promise.all(Array.from({ length: 6 }, () => governor.fetch('http://x/')))
  const span = fetch.calls[5] - fetch.calls[0]
  assert.ok(span >= 90, `6 starts at 50/s take at least 100 ms, took ${span}`)
})

test('a waiting request is dropped when its signal aborts', async () => {
  const fetch = scripted([{ status: 200, delayMs: 100 }])
  const governor = new Governor({ maxConcurrency: 1, initialConcurrency: 1, fetch })
  const first = governor.fetch('http://x/')
  const controller = new AbortController()
  const second = governor.fetch('http://x/', { signal: controller.signal })
  controller.abort(new Error('stop'))
  await assert.rejects(second, /stop/)
  await first
  assert.equal(fetch.calls.length, 1)
})

test('bad limits are RangeErrors that name the values', () => {
  assert.throws(() => new Governor({ minConcurrency: 0 }), /concurrency 0\.\.16/)
  assert.throws(
    () => new Governor({ maxConcurrency: 2, minConcurrency: 3 }),
    /maxConcurrency 2 below minConcurrency 3/,
  )
  assert.throws(() => new Governor({ maxRequestsPerSecond: 0 }), /0 per second/)
})

test('a 429 sets a learned rate that paces later starts; a 503 does not', async () => {
  const fetch = scripted([
    ...Array(9).fill({ status: 200, delayMs: 10 }),
    { status: 429 },
    ...Array(30).fill({ status: 200 }),
  ])
  const governor = new Governor({ maxConcurrency: 4, initialConcurrency: 4, fetch })
  for (let i = 0; i < 3; i++) {
    await Promise.all(Array.from({ length: 3 }, () => governor.fetch('http://x/')))
  }
  assert.equal(governor.learnedRate, undefined)
  await governor.fetch('http://x/') // the 429: 10 starts within the last second
  const learned = governor.learnedRate!
  // 10 starts within the last second, counted over the time they took (at least 100 ms).
  assert.ok(learned >= 0.7 * 10 && learned <= 0.7 * 100, `learned ${learned}`)
  const before = fetch.calls.length
  await Promise.all(Array.from({ length: 4 }, () => governor.fetch('http://x/')))
  const span = fetch.calls[before + 3] - fetch.calls[before]
  assert.ok(
    span >= (3 * 1000) / learned - 30,
    `4 starts at ${learned.toFixed(1)}/s took ${span} ms`,
  )

  const other = new Governor({ fetch: scripted([{ status: 503 }, { status: 200 }]) })
  await other.fetch('http://x/')
  assert.equal(other.learnedRate, undefined)
})

/** A fetch answering by origin: each origin's calls get the next answer of its own script. */
function byOrigin(
  scripts: Record<string, { status: number; headers?: Record<string, string> }[]>,
): typeof fetch & { calls: { origin: string; at: number }[] } {
  const calls: { origin: string; at: number }[] = []
  const seen = new Map<string, number>()
  const fn = (input: RequestInfo | URL) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const origin = new URL(url).origin
    const script = scripts[origin]
    const i = seen.get(origin) ?? 0
    seen.set(origin, i + 1)
    calls.push({ origin, at: Date.now() })
    const answer = script[Math.min(i, script.length - 1)]
    return Promise.resolve(new Response(null, { status: answer.status, headers: answer.headers }))
  }
  return Object.assign(fn as typeof fetch, { calls })
}

test('a Retry-After from one origin holds the next request there, not one to another origin', async () => {
  const fetch = byOrigin({
    'http://api.test': [{ status: 429, headers: { 'retry-after': '0.3' } }, { status: 200 }],
    'http://files.test': [{ status: 200 }],
  })
  const governor = new Governor({ maxConcurrency: 4, fetch })
  const t0 = Date.now()
  await governor.fetch('http://api.test/graphql')
  assert.ok(governor.pausedUntilFor('http://api.test/graphql') >= t0 + 250)
  assert.equal(governor.pausedUntilFor('http://files.test/a'), 0)
  assert.ok(governor.pausedUntil >= t0 + 250, 'pausedUntil is the latest pause of any origin')
  const api = governor.fetch('http://api.test/graphql')
  // A Request input counts by its URL's origin too.
  await governor.fetch(new Request('http://files.test/run/1.parquet'))
  const filesAt = Date.now() - t0
  assert.ok(filesAt < 200, `the storage request waited ${filesAt} ms behind the API's pause`)
  await api
  const apiAt = fetch.calls.filter((c) => c.origin === 'http://api.test')[1].at - t0
  assert.ok(apiAt >= 280, `second API request after ${apiAt} ms`)
})

test('a rate learned from one origin paces only that origin', async () => {
  const api = 'http://api.test/graphql'
  const files = 'http://files.test/f'
  const fetch = byOrigin({
    'http://api.test': [...Array(9).fill({ status: 200 }), { status: 429 }, { status: 200 }],
    'http://files.test': [{ status: 200 }],
  })
  const governor = new Governor({ maxConcurrency: 8, initialConcurrency: 8, fetch })
  await Promise.all(Array.from({ length: 9 }, () => governor.fetch(api)))
  await governor.fetch(api) // the 429: 10 starts within the last second
  const learned = governor.learnedRate!
  assert.ok(learned >= 7 && learned <= 70, `learned ${learned}`)
  const t0 = Date.now()
  await Promise.all([
    ...Array.from({ length: 4 }, () => governor.fetch(api)),
    ...Array.from({ length: 4 }, () => governor.fetch(files)),
  ])
  const fileStarts = fetch.calls.filter((c) => c.origin === 'http://files.test').map((c) => c.at)
  const apiStarts = fetch.calls.filter((c) => c.origin === 'http://api.test').slice(10)
  assert.ok(fileStarts[3] - t0 < 40, `4 storage requests took ${fileStarts[3] - t0} ms`)
  const span = apiStarts[3].at - apiStarts[0].at
  assert.ok(
    span >= (3 * 1000) / learned - 30,
    `4 API starts at ${learned.toFixed(1)}/s took ${span} ms`,
  )
  assert.equal(governor.learnedRateFor(api), learned)
  assert.equal(governor.learnedRateFor(files), undefined)
})

test('a 429 from an origin whose rate is learned does not halve the limit; the first 429 does', async () => {
  const fetch = scripted([{ status: 429 }])
  const governor = new Governor({
    maxConcurrency: 16,
    initialConcurrency: 16,
    decreaseIntervalMs: 0,
    fetch,
  })
  await governor.fetch('http://api.test/graphql')
  assert.equal(governor.limit, 8, 'the first 429 halves: its cause is not known yet')
  assert.ok(governor.learnedRate !== undefined)
  await governor.fetch('http://api.test/graphql')
  await governor.fetch('http://api.test/graphql')
  assert.equal(governor.limit, 8, 'later 429s lower the pace, not the requests in flight')
  assert.equal(governor.stats.throttled, 3)
  assert.equal(governor.stats.decreases, 1)
  await governor.fetch('http://other.test/') // another origin's first 429 halves again
  assert.equal(governor.limit, 4)
})

test('origins past 16 share one lane: many hosts do not make the governor grow', async () => {
  const governor = new Governor({ maxConcurrency: 4, fetch: scripted([{ status: 200 }]) })
  for (let i = 0; i < 100; i++) await governor.fetch(`http://h${i}.test/`)
  assert.equal(governor.lanes, 17)
  assert.equal(governor.stats.succeeded, 100)
})
