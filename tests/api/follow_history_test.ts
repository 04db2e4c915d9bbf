/**
 * Following a remote run's history against the test server while rows arrive through the same
 * file_stream endpoint wandb-core posts to: Parquet exports plus the live tail on the first
 * scan, GraphQL pages after, no step twice or skipped; 429 and 5xx answers; a server restart;
 * cancellation; the idle timeout.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server, type Socket } from 'node:net'
import type { Row } from '../../src/row.ts'
import { HttpGraphqlTransport } from '../../src/api/transport.ts'
import { followHistory, type RemoteFollowEnd, scanHistory } from '../../src/api/history/mod.ts'
import { FollowIdleError } from '../../src/follow_idle_error.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { generateRun } from '../server/generate_run.ts'

const RUN = { entity: 'e', project: 'p', id: 'live' }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function transportFor(
  baseUrl: string,
  apiKey: string,
  fetch?: typeof globalThis.fetch,
): HttpGraphqlTransport {
  return new HttpGraphqlTransport({
    baseUrl,
    apiKey,
    fetch,
    policy: {
      retries: 30,
      retryWaitMinMs: 20,
      retryWaitMaxMs: 200,
      timeoutMs: 5000,
      maxRetryTimeMs: 30_000,
    },
  })
}

/** Posts history lines (and optionally the end of the run) the way wandb-core's file stream does. */
async function post(server: TestServer, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${server.baseUrl}/files/e/p/live/file_stream`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`api:${server.apiKey}`)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  assert.equal(res.status, 200, await res.text())
}

/** Appends rows for steps `[from, to)` at their line offsets. */
function logSteps(server: TestServer, from: number, to: number): Promise<void> {
  const content = []
  for (let s = from; s < to; s++) {
    content.push(
      JSON.stringify({ _step: s, loss: 1 / (s + 1), ...(s % 3 === 0 ? { acc: s } : {}) }),
    )
  }
  return post(server, { files: { 'wandb-history.jsonl': { offset: from, content } } })
}

/** A running run with 100 steps already logged, 80 of them in Parquet exports. */
async function liveServer(): Promise<TestServer> {
  const server = await startTestServer()
  server.addRun({
    ...generateRun({
      ...RUN,
      steps: 100,
      metrics: 2,
      parquetFileRows: 30,
      parquetRowGroupRows: 10,
      liveTail: 20,
    }),
    state: 'running',
  })
  return server
}

async function drain(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const out: Row[] = []
  for await (const batch of stream) out.push(...batch)
  return out
}

const servers: TestServer[] = []
after(async () => {
  for (const s of servers) await s.stop()
})

/** Logs steps 100..199 in bursts, then finishes the run. */
async function writeRest(server: TestServer, pauseMs = 60): Promise<void> {
  for (let s = 100; s < 200; s += 10) {
    await logSteps(server, s, s + 10)
    await sleep(pauseMs)
  }
  await post(server, { complete: true, exitcode: 0 })
}

describe('followHistory against the test server', () => {
  it('reads exports, live tail and new rows once each and ends when the run finishes', async () => {
    const server = await liveServer()
    servers.push(server)
    const transport = transportFor(server.baseUrl, server.apiKey)
    let end: RemoteFollowEnd | undefined
    // Pages of 7 steps: rows cross page, export-file and poll boundaries.
    const followed = drain(followHistory(transport, RUN, {
      pageSize: 7,
      pollIntervalMs: 30,
      maxPollIntervalMs: 100,
      onEnd: (e) => (end = e),
    }))
    await writeRest(server)
    const rows = await followed
    const full = await drain(scanHistory(transport, RUN))
    assert.equal(full.length, 200)
    assert.deepEqual(rows, full)
    assert.deepEqual(rows.map((r) => r._step), Array.from({ length: 200 }, (_, i) => i))
    assert.deepEqual(end, { state: 'finished', lastStep: 199, rows: 200 })
    const ops = server.requests.map((r) => r.operation)
    assert.ok(ops.includes('RunParquetHistory'), 'the first scan used the exports')
    assert.ok(ops.filter((o) => o === 'RunState').length >= 2, 'the state was polled')
  })

  it('a known lastHistoryStep holds for the first scan only: later polls still find new rows', async () => {
    const server = await liveServer()
    servers.push(server)
    const transport = transportFor(server.baseUrl, server.apiKey)
    const followed = drain(followHistory(transport, RUN, {
      lastHistoryStep: 99,
      pollIntervalMs: 30,
      maxPollIntervalMs: 100,
    }))
    await writeRest(server, 30)
    const rows = await followed
    assert.deepEqual(rows.map((r) => r._step), Array.from({ length: 200 }, (_, i) => i))
    const ops = server.requests.filter((r) => r.origin === 'api').map((r) => r.operation)
    const firstKeys = ops.indexOf('RunHistoryKeys')
    assert.ok(firstKeys > ops.indexOf('RunParquetHistory'), `the first scan asked none: ${ops}`)
    assert.ok(firstKeys > 0, 'later polls ask for the new last step')
  })

  it('honours minStep and ends at maxStep without waiting for the run to end', async () => {
    const server = await liveServer()
    servers.push(server)
    const transport = transportFor(server.baseUrl, server.apiKey)
    let end: RemoteFollowEnd | undefined
    const followed = drain(followHistory(transport, RUN, {
      minStep: 90,
      maxStep: 150,
      pollIntervalMs: 30,
      maxPollIntervalMs: 100,
      onEnd: (e) => (end = e),
    }))
    for (let s = 100; s < 160; s += 10) {
      await logSteps(server, s, s + 10)
      await sleep(40)
    }
    const rows = await followed
    assert.deepEqual(rows.map((r) => r._step), Array.from({ length: 60 }, (_, i) => 90 + i))
    assert.equal(end?.state, 'running')
    assert.equal(end?.lastStep, 149)
  })

  it('keeps keys-mode selection across polls and reports keys that never came', async () => {
    const server = await liveServer()
    servers.push(server)
    const transport = transportFor(server.baseUrl, server.apiKey)
    let missing: string[] = []
    const followed = drain(followHistory(transport, RUN, {
      keys: ['acc', 'nope'],
      pollIntervalMs: 30,
      maxPollIntervalMs: 100,
      onMissingKeys: (m) => (missing = m),
    }))
    await writeRest(server)
    const rows = await followed
    const later = rows.filter((r) => (r._step as number) >= 100)
    const expected = Array.from({ length: 100 }, (_, i) => 100 + i).filter((s) => s % 3 === 0)
    assert.deepEqual(later.map((r) => r._step), expected)
    assert.ok(later.every((r) => Object.keys(r).join() === '_step,acc'))
    assert.deepEqual(missing, ['nope'])
  })

  it('rides out 429 with Retry-After and 5xx answers while following', async () => {
    const server = await liveServer()
    servers.push(server)
    const transport = transportFor(server.baseUrl, server.apiKey)
    server.fault({
      kind: 'status',
      status: 429,
      retryAfter: 1,
      operation: 'HistoryPage',
      count: 2,
      skip: 3,
    })
    server.fault({ kind: 'status', status: 503, operation: 'RunState', count: 3, skip: 1 })
    server.fault({ kind: 'status', status: 502, operation: 'RunHistoryKeys', count: 2, skip: 2 })
    const followed = drain(
      followHistory(transport, RUN, { pollIntervalMs: 30, maxPollIntervalMs: 100 }),
    )
    await writeRest(server)
    const rows = await followed
    assert.deepEqual(rows.map((r) => r._step), Array.from({ length: 200 }, (_, i) => i))
    const statuses = server.requests.map((r) => r.status)
    assert.ok(statuses.includes(429) && statuses.includes(503) && statuses.includes(502))
    const retried = server.requests.findIndex((r) => r.status === 429)
    const next = server.requests.slice(retried + 1).find((r) => r.operation === 'HistoryPage')
    assert.ok(next, 'the page was asked again')
  })

  it('keeps following across a server restart (connections refused for a while)', async () => {
    const server = await liveServer()
    servers.push(server)
    const proxy = await tcpProxy(new URL(server.baseUrl).port)
    try {
      const transport = transportFor(`http://127.0.0.1:${proxy.port}`, server.apiKey)
      const followed = drain(
        followHistory(transport, RUN, { pollIntervalMs: 30, maxPollIntervalMs: 100 }),
      )
      await logSteps(server, 100, 130)
      await sleep(300)
      await proxy.down()
      await logSteps(server, 130, 170)
      await sleep(800)
      await proxy.up()
      await logSteps(server, 170, 200)
      await post(server, { complete: true, exitcode: 0 })
      const rows = await followed
      assert.deepEqual(rows.map((r) => r._step), Array.from({ length: 200 }, (_, i) => i))
    } finally {
      await proxy.down()
    }
  })

  it('stops at once on abort and on cancel, sending nothing after', async () => {
    const server = await liveServer()
    servers.push(server)
    // Counted where requests start: one already on the wire at the abort may reach the server's
    // log after it, which says nothing about what the client sent afterwards.
    let sent = 0
    const counting: typeof fetch = (input, init) => {
      sent++
      return fetch(input, init)
    }
    const transport = transportFor(server.baseUrl, server.apiKey, counting)
    const controller = new AbortController()
    const reader = followHistory(transport, RUN, {
      pollIntervalMs: 50,
      signal: controller.signal,
    }).getReader()
    const first = await reader.read()
    assert.ok(first.value && first.value.length > 0)
    await drainUntilWaiting(reader)
    const waiting = reader.read()
    controller.abort(new Error('user stopped following'))
    const atAbort = sent
    await assert.rejects(waiting, /user stopped following/)
    await sleep(200)
    assert.equal(sent, atAbort, 'no request after the abort')

    const reader2 = followHistory(transport, RUN, { pollIntervalMs: 50 }).getReader()
    await reader2.read()
    await reader2.cancel()
    const atCancel = sent
    await sleep(200)
    assert.equal(sent, atCancel, 'no request after cancel()')
  })

  it('errors with FollowIdleError naming the last step and state after the idle timeout', async () => {
    const server = await liveServer()
    servers.push(server)
    const transport = transportFor(server.baseUrl, server.apiKey)
    let rows = 0
    const err = await (async () => {
      try {
        for await (
          const batch of followHistory(transport, RUN, { pollIntervalMs: 30, idleTimeoutMs: 400 })
        ) {
          rows += batch.length
        }
      } catch (e) {
        return e
      }
    })()
    assert.equal(rows, 100)
    assert.ok(err instanceof FollowIdleError)
    // The idle time is at least the timeout; how far past it depends on the machine's load, so
    // the message's seconds are checked against the error's own idleMs, not a fixed 0.
    assert.ok(err.idleMs >= 400, `idleMs ${err.idleMs} is below the 400 ms timeout`)
    assert.equal(err.lastSeen, 'history step 99 (state running)')
    assert.equal(
      err.message,
      `Run e/p/live looks stalled: no new history row for ${
        Math.round(err.idleMs / 1000)
      } s; last seen: history step 99 (state running). Raise the idle timeout to keep waiting, or check the run`,
    )
  })
})

/** Reads until a read does not answer within 150 ms (the follower is waiting for new rows). */
async function drainUntilWaiting(reader: ReadableStreamDefaultReader<Row[]>): Promise<void> {
  for (;;) {
    const next = reader.read()
    const r = await Promise.race([next, sleep(150).then(() => 'waiting' as const)])
    if (r === 'waiting') {
      // Put the pending read back in play: the caller's next read() queues behind it.
      next.catch(() => {})
      return
    }
  }
}

/** A TCP proxy that can go down (refusing connections, as a restarting server does) and come back. */
async function tcpProxy(targetPort: string): Promise<{
  port: number
  down(): Promise<void>
  up(): Promise<void>
}> {
  let server: Server | undefined
  const sockets = new Set<Socket>()
  const state = { port: 0 }
  const { connect } = await import('node:net')
  const listen = (port: number) =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        sockets.add(client)
        const upstream = connect(Number(targetPort), '127.0.0.1')
        sockets.add(upstream)
        client.pipe(upstream).pipe(client)
        const close = () => {
          client.destroy()
          upstream.destroy()
        }
        client.on('error', close).on('close', close)
        upstream.on('error', close).on('close', close)
      })
      server.listen(port, '127.0.0.1', () => {
        state.port = (server!.address() as { port: number }).port
        resolve()
      })
    })
  await listen(0)
  return {
    get port() {
      return state.port
    },
    down: () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve()
        for (const s of sockets) s.destroy()
        sockets.clear()
        server.close(() => resolve())
        server = undefined
      }),
    up: () => listen(state.port),
  }
}
