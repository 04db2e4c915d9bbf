/**
 * Runs in flight follow the request governor (issue 15): measured against the test server
 * limiting like W&B, on counts the server records (requests allowed and refused, when each
 * arrived) and on the governor's run slots.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import type { LimitOptions } from '../server/limits.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { fastApi, tempDir } from './_project.ts'

/** A server with `runs` small generated runs in `e/p` under the given limits. */
function serve(runs: number, limits: LimitOptions, sizes = 'uniform:50:150'): Promise<TestServer> {
  return startTestServer({
    limits,
    generatedProjects: [{ entity: 'e', project: 'p', runs, sizes, metrics: 3 }],
    warm: {},
  })
}

/** Exports `e/p` with extra options; returns the result after checking every row arrived. */
async function exportAll(server: TestServer, extra: Parameters<typeof exportProject>[0] | object) {
  const folder = tempDir('adaptive')
  try {
    const result = await exportProject({
      source: 'e/p',
      out: folder.dir,
      api: { ...fastApi(server), retryWaitMinMs: 50, retryWaitMaxMs: 2000 },
      ...extra,
    })
    assert.equal(result.complete, true)
    assert.equal(result.progress.rows, server.generated[0].totalRows)
    return result
  } finally {
    folder.cleanup()
  }
}

/** Allowed API requests (after the burst) per second of the span they arrived in, over the rate. */
function utilisation(server: TestServer, rate: number, burst: number): number {
  const allowed = server.requests.filter((r) => r.origin === 'api' && !r.rateLimited)
  const span = (allowed.at(-1)!.receivedAt - allowed[0].receivedAt) / 1000
  return (allowed.length - burst) / (rate * span)
}

/** The most API requests allowed in any `seconds`-long window, over what the rate allows in it. */
function peakUtilisation(server: TestServer, rate: number, seconds: number): number {
  const times = server.requests.filter((r) => r.origin === 'api' && !r.rateLimited)
    .map((r) => r.receivedAt)
  let best = 0
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= seconds * 1000) i++
    best = Math.max(best, j - i + 1)
  }
  return best / (rate * seconds)
}

test('without a rate limit, runs in flight rise above the old fixed 8 on a latency-bound server', {
  timeout: 120_000,
}, async () => {
  const server = await serve(120, { latencyMs: 25 })
  try {
    const result = await exportAll(server, {})
    const governor = result.governor!
    assert.ok(governor.runs.peak > 8, `peak runs in flight ${governor.runs.peak}`)
    assert.ok(governor.runs.peak <= 64, `peak runs in flight ${governor.runs.peak}`)
    assert.ok(governor.history.some((s) => s.runs > 8), 'the history records the runs in flight')
    assert.equal(server.limits.limiter, undefined)
  } finally {
    await server.stop()
  }
})

test('-j stays a ceiling: runs in flight never exceed it', { timeout: 120_000 }, async () => {
  const server = await serve(60, { latencyMs: 25 })
  try {
    const result = await exportAll(server, { concurrency: 5 })
    assert.equal(result.governor!.runs.peak, 5)
  } finally {
    await server.stop()
  }
})

test('under a binding limit the default export uses most of it, with fewer 429s than a fixed 64', {
  timeout: 180_000,
}, async () => {
  // A low rate and tiny runs, so a client slowed by a busy machine can still reach the limit.
  // 100 runs (about 210 requests, 18 s at the limit): learning the rate costs some six 429s,
  // each held a whole second by Retry-After, and with 40 runs (about 90 requests since runs
  // take fewer requests) that learning was most of the export: its best 2 s reached 67-79%.
  const limit = { rate: 12, burst: 6 }
  const adaptive = await serve(100, { ...limit, latencyMs: 20 }, 'fixed:20')
  const fixed = await serve(100, { ...limit, latencyMs: 20 }, 'fixed:20')
  try {
    const result = await exportAll(adaptive, {})
    // The bounds, with margin for a busy machine (2 cores shared by several test runs, where
    // the client itself often cannot go faster): some 2-second window reaches 70% of the limit,
    // and the whole export (listing and the last runs included, where too little work is left
    // to fill it) 40%. Measured: best 2 s 104–121% (the bucket's burst included), whole export
    // 69–74%, on a quiet machine and with three busy loops beside it alike.
    const peak = peakUtilisation(adaptive, limit.rate, 2)
    const used = utilisation(adaptive, limit.rate, limit.burst)
    assert.ok(peak >= 0.7 && peak <= 1.3, `peak utilisation ${peak.toFixed(2)}`)
    assert.ok(used >= 0.4, `utilisation ${used.toFixed(2)}`)
    await exportAll(fixed, {
      concurrency: 64,
      // 64 runs and requests at once whatever the answers: only Retry-After pauses hold them.
      governor: {
        initialConcurrency: 64,
        minConcurrency: 64,
        maxConcurrency: 128,
        learnRate: false,
      },
    })
    const refused = adaptive.limits.limiter!.refused
    const refusedFixed = fixed.limits.limiter!.refused
    assert.ok(
      refused < refusedFixed,
      `429s: adaptive ${refused}, fixed 64 ${refusedFixed} (utilisation ${used.toFixed(2)}, ` +
        `${result.governor!.stats.pauses} pauses)`,
    )
  } finally {
    await adaptive.stop()
    await fixed.stop()
  }
})
