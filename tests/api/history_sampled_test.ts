import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sampledHistory } from '../../src/api/history/mod.ts'
import type { Row } from '../../src/row.ts'
import { exportLayout, sampleRows } from '../server/sample_history.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { graphqlRequests, queryOf, transportFor } from './_setup.ts'

const RUN = { entity: 'ent', project: 'proj', id: 'run1' }

/** Serves RUN with `rows` as history and one system sample per row (`system.cpu` = its step). */
function serve(rows: Row[]): Promise<TestServer> {
  const events = rows.map((r) => ({ 'system.cpu': r._step }))
  return startTestServer({ runs: [{ ...RUN, ...exportLayout(rows), events }] })
}

test('without keys: history(samples) rows, parsed with NaN and ±Infinity, labelled sampled', async () => {
  const rows = sampleRows()
  const server = await serve(rows)
  try {
    const transport = transportFor(server)
    const all = await sampledHistory(transport, RUN, { samples: 1000 })
    assert.equal(all.sampled, true)
    assert.equal(all.samples, 1000)
    assert.equal(all.stream, 'default')
    assert.equal(all.keys, null)
    assert.deepEqual(all.rows, rows)
    const few = await sampledHistory(transport, RUN, { samples: 5 })
    assert.deepEqual(few.rows.map((r) => r._step), [0, 15, 40, 54, 69])
    const sent = graphqlRequests(server).filter((g) => g.operation === 'RunFullHistory')
    assert.match(queryOf(sent[0]), /run\(name: \$name\) \{ history\(samples: \$samples\) \}/)
    assert.deepEqual(sent.map((g) => g.variables), [
      { entity: 'ent', project: 'proj', name: 'run1', samples: 1000 },
      { entity: 'ent', project: 'proj', name: 'run1', samples: 5 },
    ])
  } finally {
    await server.stop()
  }
})

test('the SDK default is 500 samples', async () => {
  const server = await serve(sampleRows())
  try {
    const result = await sampledHistory(transportFor(server), RUN)
    assert.equal(result.samples, 500)
    assert.equal(graphqlRequests(server).at(-1)?.variables?.samples, 500)
  } finally {
    await server.stop()
  }
})

test('with keys: sampledHistory with the SDK spec, xAxis first, rows as the server chose them', async () => {
  const rows = sampleRows()
  const server = await serve(rows)
  try {
    const result = await sampledHistory(transportFor(server), RUN, {
      keys: ['val/loss'],
      xAxis: '_runtime',
      samples: 3,
    })
    assert.equal(result.sampled, true)
    assert.deepEqual(result.keys, ['_runtime', 'val/loss'])
    const spec = graphqlRequests(server).at(-1)?.variables?.specs
    assert.deepEqual(spec, ['{"keys":["_runtime","val/loss"],"samples":3}'])
    // Steps 0, 10, 30, 40, 50, 60 log val/loss; three samples spread over them.
    assert.deepEqual(result.rows, [
      { _runtime: 0, 'val/loss': 0 },
      { _runtime: 20, 'val/loss': 40 / 7 },
      { _runtime: 30, 'val/loss': 60 / 7 },
    ])
  } finally {
    await server.stop()
  }
})

test("stream 'system' reads events(samples)", async () => {
  const server = await serve(sampleRows())
  try {
    const result = await sampledHistory(transportFor(server), RUN, { stream: 'system', samples: 2 })
    assert.equal(result.stream, 'system')
    assert.deepEqual(result.rows, [{ 'system.cpu': 0 }, { 'system.cpu': 69 }])
    const sent = graphqlRequests(server).at(-1)
    assert.equal(sent?.operation, 'RunFullHistory')
    assert.match(
      sent ? queryOf(sent) : '',
      /run\(name: \$name\) \{ events\(samples: \$samples\) \}/,
    )
  } finally {
    await server.stop()
  }
})

test('misuse is an error, not a printed message and an empty list', async () => {
  const transport = { request: () => Promise.reject(new Error('unused')) }
  await assert.rejects(
    sampledHistory(transport, RUN, { keys: ['loss'], stream: 'system' }),
    /keys need stream 'default'/,
  )
  await assert.rejects(sampledHistory(transport, RUN, { keys: 'loss' as never }), TypeError)
  await assert.rejects(sampledHistory(transport, RUN, { samples: 0 }), RangeError)
})

test('an unknown run is named in the error', async () => {
  const server = await serve(sampleRows())
  try {
    await assert.rejects(
      sampledHistory(transportFor(server), { ...RUN, project: 'other' }),
      /Cannot sample the history of ent\/other\/run1: the server returned no run/,
    )
  } finally {
    await server.stop()
  }
})
