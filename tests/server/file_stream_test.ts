import { test } from 'node:test'
import assert from 'node:assert/strict'
import { basicAuth } from './_client.ts'
import { startTestServer } from './test_server.ts'

/** Posts one file-stream body (as JSON text) and returns status and parsed reply. */
async function post(
  baseUrl: string,
  key: string | undefined,
  run: string,
  body: string,
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (key) headers.authorization = basicAuth(key)
  const res = await fetch(`${baseUrl}/files/e/p/${run}/file_stream`, {
    method: 'POST',
    headers,
    body,
  })
  return { status: res.status, json: await res.json() }
}

test('file_stream: history, events, summary and console lines land on the run; complete ends it', async () => {
  const server = await startTestServer()
  try {
    server.addRun({ entity: 'e', project: 'p', id: 'r1', state: 'running', summary: {} })
    const history = ['{"_step":0,"loss":1,"m":{"a":2}}', '{"_step":1,"loss":NaN}']
    const first = JSON.stringify({
      files: {
        'wandb-history.jsonl': { offset: 0, content: history },
        'wandb-events.jsonl': { offset: 0, content: ['{"system.cpu":5,"_wandb":true}'] },
        'output.log': {
          offset: 0,
          content: ['2026-01-02T03:04:05.123456 hello', 'ERROR 2026-01-02T03:04:06.000001 oops'],
        },
        'wandb-summary.json': { offset: 0, content: ['{"loss":Infinity,"_step":1}'] },
      },
    })
    const reply = await post(server.baseUrl, server.apiKey, 'r1', first)
    assert.equal(reply.status, 200)
    assert.deepEqual(reply.json, { exitcode: null, limits: {} })
    const run = server.store.run('e', 'p', 'r1')!
    assert.equal(run.history.rowCount, 2)
    assert.deepEqual(run.history.rowAt(0), { _step: 0, loss: 1, m: { a: 2 } })
    assert.ok(Number.isNaN(run.history.rowAt(1).loss))
    assert.deepEqual(run.events.rowAt(0), { 'system.cpu': 5, _wandb: true })
    assert.deepEqual(run.summary, { loss: Infinity, _step: 1 })
    assert.deepEqual(run.logLines.map((l) => [l.number, l.line, l.level, l.timestamp]), [
      [0, 'hello', '', '2026-01-02T03:04:05.123456'],
      [1, 'oops', 'error', '2026-01-02T03:04:06.000001'],
    ])
    assert.equal(run.state, 'running')

    // A retry rewrites line 1, the next line appends, a console line is overwritten in place.
    const second = JSON.stringify({
      files: {
        'wandb-history.jsonl': { offset: 1, content: ['{"_step":1,"loss":0.5}', '{"_step":2}'] },
        'output.log': { offset: 1, content: ['2026-01-02T03:04:07 fixed'] },
      },
      complete: true,
      exitcode: 3,
    })
    assert.equal((await post(server.baseUrl, server.apiKey, 'r1', second)).status, 200)
    assert.deepEqual([0, 1, 2].map((i) => run.history.stepAt(i)), [0, 1, 2])
    assert.equal(run.history.rowAt(1).loss, 0.5)
    assert.deepEqual(run.logLines.map((l) => l.line), ['hello', 'fixed'])
    assert.equal(run.state, 'failed')
  } finally {
    await server.stop()
  }
})

test('file_stream: refuses without a key (401), for an unknown run (404) and bad bodies (400)', async () => {
  const server = await startTestServer()
  try {
    server.addRun({ entity: 'e', project: 'p', id: 'r1', state: 'running' })
    const ok = JSON.stringify({ files: {} })
    assert.equal((await post(server.baseUrl, undefined, 'r1', ok)).status, 401)
    assert.equal((await post(server.baseUrl, server.apiKey, 'nope', ok)).status, 404)
    const bad = JSON.stringify({ files: { 'wandb-history.jsonl': { offset: 0, content: ['{x'] } } })
    const refused = await post(server.baseUrl, server.apiKey, 'r1', bad)
    assert.equal(refused.status, 400)
    assert.match(JSON.stringify(refused.json), /invalid wandb-history.jsonl line/)
    assert.equal(server.store.run('e', 'p', 'r1')!.history.rowCount, 0)
  } finally {
    await server.stop()
  }
})
