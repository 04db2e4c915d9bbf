/**
 * The official SDK logs online into the test server in a subprocess while `Run.scanHistory({
 * follow: true })` follows it: the followed rows equal a full read of the finished run; a writer
 * killed mid-run ends the stream with the state the server gives the run and what was read; a
 * resumed run (`resume="must"`, which asks the server's RunResumeStatus) is followed through its
 * second process.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { skipWithoutWandbPython } from '../_python.ts'
import { Api } from '../../src/api/api.ts'
import type { RemoteFollowEnd } from '../../src/api/history/mod.ts'
import type { Row } from '../../src/row.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { startWriter, stopWriter, type Writer } from './_sdk_writer.ts'

async function drain(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const out: Row[] = []
  for await (const batch of stream) out.push(...batch)
  return out
}

const dirs: string[] = []
const writers: Writer[] = []
const servers: TestServer[] = []
after(async () => {
  for (const w of writers) stopWriter(w)
  for (const s of servers) await s.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function setUp(): Promise<{ server: TestServer; api: Api; dir: string }> {
  const server = await startTestServer()
  servers.push(server)
  const dir = mkdtempSync(join(tmpdir(), 'wbx-follow-remote-'))
  dirs.push(dir)
  const api = new Api({
    baseUrl: server.baseUrl,
    apiKey: server.apiKey,
    retryWaitMinMs: 20,
    retryWaitMaxMs: 200,
  })
  return { server, api, dir }
}

const steps = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i)

describe('following a run the SDK logs online', { skip: skipWithoutWandbPython }, () => {
  it('the followed rows equal a full read of the finished run, and the stream ends with it', async () => {
    const { server, api, dir } = await setUp()
    const writer = startWriter({
      mode: 'online',
      id: 'online1',
      steps: 30,
      sleepS: 0.1,
      dir,
      server,
    })
    writers.push(writer)
    await writer.folder
    const run = await api.run('test-entity/follow/online1')
    let end: RemoteFollowEnd | undefined
    const batches: number[] = []
    const rows = await drain(
      run.scanHistory({ follow: true, pollIntervalMs: 100, onEnd: (e) => (end = e) }).pipeThrough(
        new TransformStream<Row[], Row[]>({
          transform(batch, c) {
            batches.push(batch.length)
            c.enqueue(batch)
          },
        }),
      ),
    )
    assert.equal((await writer.done).code, 0)
    assert.ok(batches.length > 1, `rows came while the run logged (${batches.length} batches)`)
    const full = await drain((await api.run('test-entity/follow/online1')).scanHistory())
    assert.deepEqual(rows, full)
    assert.deepEqual(rows.map((r) => r._step), steps(30))
    assert.equal(end?.state, 'finished')
    assert.equal(end?.lastStep, 29)
  })

  it('a writer killed mid-run: the stream ends with the state the server gives it and every row read', async () => {
    const { server, api, dir } = await setUp()
    const writer = startWriter({
      mode: 'online',
      id: 'online-killed',
      steps: 100,
      sleepS: 0.05,
      killAt: 20,
      dir,
      server,
    })
    writers.push(writer)
    await writer.folder
    const run = await api.run('test-entity/follow/online-killed')
    let end: RemoteFollowEnd | undefined
    const followed = drain(
      run.scanHistory({ follow: true, pollIntervalMs: 100, onEnd: (e) => (end = e) }),
    )
    assert.equal((await writer.done).signal, 'SIGKILL')
    // W&B marks a run whose heartbeats stopped as crashed; the test server leaves that to us.
    await new Promise((r) => setTimeout(r, 1000))
    server.store.run('test-entity', 'follow', 'online-killed')!.state = 'crashed'
    const rows = await followed
    const full = await drain((await api.run('test-entity/follow/online-killed')).scanHistory())
    assert.deepEqual(rows, full)
    assert.equal(end?.state, 'crashed')
    assert.equal(end?.lastStep, full.length - 1)
    assert.ok(full.length <= 21)
  })

  it('a resumed run is followed through its second process, every step once', async () => {
    const { server, api, dir } = await setUp()
    const first = startWriter({ mode: 'online', id: 'resumed', steps: 5, sleepS: 0, dir, server })
    writers.push(first)
    assert.equal((await first.done).code, 0)
    const second = startWriter({
      mode: 'online',
      id: 'resumed',
      steps: 10,
      sleepS: 0.1,
      resume: true,
      dir,
      server,
    })
    writers.push(second)
    await second.folder
    const run = await api.run('test-entity/follow/resumed')
    let end: RemoteFollowEnd | undefined
    const rows = await drain(
      run.scanHistory({ follow: true, pollIntervalMs: 100, onEnd: (e) => (end = e) }),
    )
    const exit = await second.done
    assert.equal(exit.code, 0, exit.stderr)
    assert.deepEqual(rows.map((r) => r._step), steps(15))
    assert.deepEqual(rows, await drain((await api.run('test-entity/follow/resumed')).scanHistory()))
    assert.equal(end?.state, 'finished')
  })
})
