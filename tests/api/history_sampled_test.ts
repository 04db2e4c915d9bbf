import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sampledHistory } from '../../src/api/history/mod.ts'
import { sampleRows, startHarness } from '../server/history_harness.ts'

const RUN = { entity: 'ent', project: 'proj', id: 'run1' }

test('without keys: history(samples) rows, parsed with NaN and ±Infinity, labelled sampled', async () => {
  const rows = sampleRows()
  const h = await startHarness({ ...RUN, rows })
  try {
    const all = await sampledHistory(h.transport, RUN, { samples: 1000 })
    assert.equal(all.sampled, true)
    assert.equal(all.samples, 1000)
    assert.equal(all.stream, 'default')
    assert.equal(all.keys, null)
    assert.deepEqual(all.rows, rows)
    const few = await sampledHistory(h.transport, RUN, { samples: 5 })
    assert.deepEqual(few.rows.map((r) => r._step), [0, 15, 40, 54, 69])
    const sent = h.graphql.filter((g) => g.operation === 'RunFullHistory')
    assert.match(sent[0].query, /run\(name: \$name\) \{ history\(samples: \$samples\) \}/)
    assert.deepEqual(sent.map((g) => g.variables), [
      { entity: 'ent', project: 'proj', name: 'run1', samples: 1000 },
      { entity: 'ent', project: 'proj', name: 'run1', samples: 5 },
    ])
  } finally {
    await h.close()
  }
})

test('the SDK default is 500 samples', async () => {
  const h = await startHarness({ ...RUN, rows: sampleRows() })
  try {
    const result = await sampledHistory(h.transport, RUN)
    assert.equal(result.samples, 500)
    assert.equal(h.graphql.at(-1)?.variables.samples, 500)
  } finally {
    await h.close()
  }
})

test('with keys: sampledHistory with the SDK spec, xAxis first, rows as the server chose them', async () => {
  const rows = sampleRows()
  const h = await startHarness({ ...RUN, rows })
  try {
    const result = await sampledHistory(h.transport, RUN, {
      keys: ['val/loss'],
      xAxis: '_runtime',
      samples: 3,
    })
    assert.equal(result.sampled, true)
    assert.deepEqual(result.keys, ['_runtime', 'val/loss'])
    const spec = h.graphql.at(-1)?.variables.specs
    assert.deepEqual(spec, ['{"keys":["_runtime","val/loss"],"samples":3}'])
    // Steps 0, 10, 30, 40, 50, 60 log val/loss; three samples spread over them.
    assert.deepEqual(result.rows, [
      { _runtime: 0, 'val/loss': 0 },
      { _runtime: 20, 'val/loss': 40 / 7 },
      { _runtime: 30, 'val/loss': 60 / 7 },
    ])
  } finally {
    await h.close()
  }
})

test("stream 'system' reads events(samples)", async () => {
  const h = await startHarness({ ...RUN, rows: sampleRows() })
  try {
    const result = await sampledHistory(h.transport, RUN, { stream: 'system', samples: 2 })
    assert.equal(result.stream, 'system')
    assert.deepEqual(result.rows, [{ 'system.cpu': 0 }, { 'system.cpu': 69 }])
    const sent = h.graphql.at(-1)
    assert.equal(sent?.operation, 'RunFullHistory')
    assert.match(sent?.query ?? '', /run\(name: \$name\) \{ events\(samples: \$samples\) \}/)
  } finally {
    await h.close()
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
  const h = await startHarness({ ...RUN, rows: sampleRows() })
  try {
    await assert.rejects(
      sampledHistory(h.transport, { ...RUN, project: 'other' }),
      /Cannot sample the history of ent\/other\/run1: the server returned no run/,
    )
  } finally {
    await h.close()
  }
})
