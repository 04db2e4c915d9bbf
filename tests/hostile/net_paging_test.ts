/**
 * Issue 10 item 7: a server that always answers `hasNextPage: true` (same cursor, alternating
 * cursors, or fresh cursors past the declared total) ends the listing with a clear error after a
 * few requests, for runs, files, artifacts and a bulk export; and page requests of one stream are
 * spaced to at most 20 per second even when the server answers at once.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Api } from '../../src/api/api.ts'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { endlessPaging, type HostileServer, startHostileServer } from './_hostile_server.ts'

let server: TestServer
let proxy: HostileServer

before(async () => {
  server = await startTestServer()
  for (let i = 0; i < 3; i++) {
    server.addRun(generateRun({
      entity: 'e',
      project: 'p',
      id: `run${i}`,
      steps: 5,
      loggedArtifacts: [{ name: `data${i}`, files: [{ name: 'a.txt', content: 'a' }] }],
    }))
  }
  proxy = await startHostileServer(server)
})

after(async () => {
  await proxy.stop()
  await server.stop()
})

function api(): Api {
  return new Api({ baseUrl: proxy.baseUrl, apiKey: proxy.apiKey, retryWaitMinMs: 5 })
}

/** Reads a stream to its end or error, with a 20 s guard so a regression fails instead of hanging. */
async function drain(stream: ReadableStream<unknown[]>): Promise<unknown> {
  const reader = stream.getReader()
  const guard = setTimeout(() => reader.cancel(new Error('still paging after 20 s')), 20_000)
  try {
    for (;;) {
      const { done } = await reader.read()
      if (done) return undefined
    }
  } catch (err) {
    return err
  } finally {
    clearTimeout(guard)
  }
}

for (const mode of ['same', 'alternating'] as const) {
  test(`runs listing: ${mode} cursor with hasNextPage always true stops with an error`, async () => {
    const rule = proxy.rule(endlessPaging('Runs', mode))
    const before = proxy.requests.length
    try {
      const err = await drain(api().runs('e/p', { perPage: 1 }))
      assert.ok(err instanceof Error, 'the listing must fail')
      assert.match(err.message, /Cannot list runs of e\/p: the server keeps paging/)
      assert.match(err.message, /came back/)
      assert.ok(proxy.requests.length - before <= 6, `${proxy.requests.length - before} requests`)
    } finally {
      rule.remove()
    }
  })
}

test('files and artifacts listings: alternating cursors stop with an error', async () => {
  const run = await api().run('e/p/run0')
  const files = proxy.rule(endlessPaging('RunFiles', 'alternating'))
  try {
    const err = await drain(run.files({ perPage: 1 }))
    assert.ok(err instanceof Error)
    assert.match(err.message, /Cannot list files of e\/p\/run0: the server keeps paging/)
  } finally {
    files.remove()
  }
  const arts = proxy.rule(endlessPaging('RunOutputArtifacts', 'alternating'))
  try {
    const err = await drain(run.loggedArtifacts({ perPage: 1 }))
    assert.ok(err instanceof Error)
    assert.match(err.message, /Cannot list logged artifacts of e\/p\/run0: the server keeps/)
  } finally {
    arts.remove()
  }
})

test('fresh cursors forever: stopped by the declared total (runCount)', async () => {
  const rule = proxy.rule(endlessPaging('Runs', 'fresh'))
  const before = proxy.requests.length
  try {
    const err = await drain(api().runs('e/p', { perPage: 1 }))
    assert.ok(err instanceof Error)
    assert.match(err.message, /the server keeps paging \(more (pages|items) than the 3 declared/)
    assert.ok(proxy.requests.length - before <= 8)
  } finally {
    rule.remove()
  }
})

test('no totals and fresh cursors: page requests stay at most 20 per second', async () => {
  const rule = proxy.rule(endlessPaging('Runs', 'fresh', { dropTotals: true }))
  const before = proxy.requests.length
  const controller = new AbortController()
  try {
    const reading = drain(api().runs('e/p', { perPage: 1, signal: controller.signal }))
    await new Promise((r) => setTimeout(r, 1500))
    controller.abort()
    await reading
    const sent = proxy.requests.length - before
    assert.ok(sent >= 5, `paging went on (${sent} requests)`)
    assert.ok(sent <= 20 * 1.5 + 2, `${sent} requests in 1.5 s`)
  } finally {
    rule.remove()
  }
})

test('bulk export: endless runs listing fails the export with the paging error', {
  timeout: 30_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-net-paging-'))
  const rule = proxy.rule(endlessPaging('Runs', 'same'))
  try {
    await assert.rejects(
      exportProject({
        source: 'e/p',
        out: dir,
        perPage: 1,
        api: { baseUrl: proxy.baseUrl, apiKey: proxy.apiKey },
      }),
      /Cannot list runs of e\/p: the server keeps paging/,
    )
  } finally {
    rule.remove()
    rmSync(dir, { recursive: true, force: true })
  }
})
