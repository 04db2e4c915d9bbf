/**
 * `Run.followSystemMetrics()` (followPolled) against the test server: system rows posted through
 * the file_stream endpoint while following come out once each, in order; the stream ends when
 * the run finishes, survives a 503 on the state query, and stops with FollowIdleError when
 * nothing comes.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Row } from '../../src/row.ts'
import { FollowIdleError } from '../../src/follow_idle_error.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { apiFor, drain } from './_setup.ts'

const servers: TestServer[] = []
after(async () => {
  for (const s of servers) await s.stop()
})

async function liveServer(): Promise<TestServer> {
  const server = await startTestServer()
  servers.push(server)
  server.addRun({
    ...generateRun({ entity: 'e', project: 'p', id: 'sys', steps: 50, systemRows: 5 }),
    state: 'running',
  })
  return server
}

async function post(server: TestServer, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${server.baseUrl}/files/e/p/sys/file_stream`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`api:${server.apiKey}`)}` },
    body: JSON.stringify(body),
  })
  assert.equal(res.status, 200, await res.text())
}

describe('Run.followSystemMetrics', () => {
  it('emits new system rows once each and ends when the run finishes', async () => {
    const server = await liveServer()
    server.fault({ kind: 'status', status: 503, operation: 'RunState', count: 1, skip: 1 })
    const api = apiFor(server)
    const run = await api.run('e/p/sys')
    const before = (await run.history({ stream: 'system', samples: 1000 })).rows
    const t0 = before[before.length - 1]._timestamp as number
    let ended: { state: string; rows: number } | undefined
    const followed = drain(
      run.followSystemMetrics({
        pollIntervalMs: 30,
        maxPollIntervalMs: 80,
        onEnd: (e) => (ended = e),
      }),
    )
    for (let i = 0; i < 4; i++) {
      const content = [0, 1].map((j) =>
        JSON.stringify({ _wandb: true, _timestamp: t0 + 10 * (2 * i + j + 1), 'system.cpu': i + j })
      )
      await post(server, { files: { 'wandb-events.jsonl': { offset: 5 + 2 * i, content } } })
      await new Promise((r) => setTimeout(r, 60))
    }
    await post(server, { complete: true, exitcode: 0 })
    const rows: Row[] = await followed
    const all = (await run.history({ stream: 'system', samples: 1000 })).rows
    assert.equal(all.length, 13)
    assert.deepEqual(rows, all)
    assert.deepEqual(ended, { state: 'finished', rows: 13 })
    assert.ok(server.requests.some((r) => r.status === 503))
  })

  it('stops with FollowIdleError when no new sample arrives', async () => {
    const server = await liveServer()
    const run = await apiFor(server).run('e/p/sys')
    let n = 0
    await assert.rejects(
      (async () => {
        for await (const b of run.followSystemMetrics({ pollIntervalMs: 30, idleTimeoutMs: 300 })) {
          n += b.length
        }
      })(),
      // The idle time is at least the timeout; how far past it depends on the machine's load, so
      // the message's seconds are checked against the error's own idleMs, not a fixed 0.
      (err: unknown) =>
        err instanceof FollowIdleError && err.idleMs >= 300 &&
        /^_timestamp \d+(\.\d+)? \(state running\)$/.test(err.lastSeen) &&
        err.message.startsWith(
          `Run e/p/sys looks stalled: no new system metrics for ${
            Math.round(err.idleMs / 1000)
          } s; last seen: ${err.lastSeen}. `,
        ),
    )
    assert.equal(n, 5)
  })
})
