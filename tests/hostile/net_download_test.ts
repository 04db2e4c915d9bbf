/**
 * Issue 10 item 8: a storage body longer than the listed size stops at the listed size (nothing
 * past it reaches the disk, the error names the file and both sizes), and a body that drips in
 * too slowly fails at its deadline (grace + size / floor rate) although it never stalls long
 * enough for the idle timeout.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { Api, type ApiOptions } from '../../mod.ts'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { transferDeadline } from '../../src/api/download_to_file.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import {
  type HostileServer,
  oversizeBody,
  slowDrip,
  startHostileServer,
} from './_hostile_server.ts'
import { tempDirs } from './_temp_dirs.ts'

const SMALL = 'x'.repeat(168)
const DRIP = 'd'.repeat(2000)
let server: TestServer
let proxy: HostileServer
const temps = tempDirs('wbx-net-download-')

before(async () => {
  server = await startTestServer()
  server.addRun(generateRun({
    entity: 'e',
    project: 'p',
    id: 'r1',
    steps: 5,
    files: [{ name: 'small.txt', content: SMALL }, { name: 'drip.txt', content: DRIP }],
  }))
  proxy = await startHostileServer(server)
})

after(async () => {
  temps.removeAll()
  await proxy.stop()
  await server.stop()
})

const temp = temps.make

function options(extra: ApiOptions = {}): ApiOptions {
  return { baseUrl: proxy.baseUrl, apiKey: proxy.apiKey, retryWaitMinMs: 5, ...extra }
}

test('a body longer than the listed size stops at it: error names file and sizes, no bytes kept', async () => {
  const rule = proxy.rule({ origin: 'files', path: /small\.txt$/, reply: oversizeBody(50e6) })
  const dir = temp()
  try {
    const run = await new Api(options()).run('e/p/r1')
    const file = await run.file('small.txt')
    await assert.rejects(
      file.download(dir),
      /Cannot accept small\.txt: the server sent more than the listed 168 bytes/,
    )
    assert.deepEqual(readdirSync(dir), [], 'no partial file is left')
    const sent = proxy.requests.filter((r) => r.path.endsWith('small.txt') && r.origin === 'files')
    assert.ok(sent.length >= 1)
    // Out of 50 MB: what the sockets and the runtime buffer before the client's stop reaches the
    // server (Bun in CI once let 8,388,776 bytes through, 8 MiB and the headers) is not reading.
    for (const r of sent) {
      assert.ok(r.bytesSent < 16e6, `the client stopped reading (${r.bytesSent})`)
    }

    // The stream form (bulk export, logs) stops the same way.
    const stream = await file.stream()
    let received = 0
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) received += chunk.byteLength
      })(),
      /more than the listed 168 bytes/,
    )
    assert.ok(received <= 168, `${received} bytes passed on`)
  } finally {
    rule.remove()
  }
})

test('bulk --files: an oversize body sets the run aside with the size error', async () => {
  const rule = proxy.rule({ origin: 'files', path: /small\.txt$/, reply: oversizeBody(20e6) })
  const out = temp()
  try {
    const result = await exportProject({
      source: 'e/p',
      out,
      include: { files: true },
      attempts: 1,
      api: options(),
    })
    assert.equal(result.failures.length, 1)
    assert.match(
      result.failures[0].error,
      /small\.txt of e\/p\/r1: the server sent more than the listed 168/,
    )
  } finally {
    rule.remove()
  }
})

test('a slow-drip body fails at its deadline (grace + size / floor rate)', async () => {
  // 2000 bytes, 100 every 100 ms: 2 s in all, never idle for long.
  const rule = proxy.rule({ origin: 'files', path: /drip\.txt$/, reply: slowDrip(100, 100) })
  const dir = temp()
  try {
    const api = new Api(options({ downloadGraceMs: 300, downloadMinBytesPerSecond: 1e6 }))
    const file = await (await api.run('e/p/r1')).file('drip.txt')
    const started = Date.now()
    await assert.rejects(
      file.download(dir),
      /drip\.txt: \d+ of 2000 bytes arrived within its deadline/,
    )
    assert.ok(Date.now() - started < 1500, 'failed before the drip ended')
    assert.deepEqual(readdirSync(dir), [])
  } finally {
    rule.remove()
  }
  // Without the drip the same limits pass.
  const api = new Api(options({ downloadGraceMs: 300, downloadMinBytesPerSecond: 1e6 }))
  const file = await (await api.run('e/p/r1')).file('drip.txt')
  const result = await file.download(dir)
  assert.equal(result.bytes, 2000)
})

test('the deadline: 60 s grace plus the size at 64 KiB/s by default', () => {
  const limits = { downloadGraceMs: 60_000, downloadMinBytesPerSecond: 64 * 1024 }
  assert.equal(transferDeadline(0, limits, 0), 60_000)
  assert.equal(transferDeadline(64 * 1024 * 100, limits, 0), 160_000)
  assert.equal(transferDeadline(undefined, limits, 1000), 61_000)
})
