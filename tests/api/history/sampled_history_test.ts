import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sampledHistory } from '../../../src/api/history/sampled_history.ts'
import { RUN_FULL_EVENTS_QUERY, RUN_FULL_HISTORY_QUERY } from '../../../src/api/queries.ts'
import { floatKeysOf } from '../../../src/row_floats.ts'

const run = { entity: 'e', project: 'p', id: 'r1' }

function answering(data: unknown) {
  const sent: { document: string; variables: Record<string, unknown> }[] = []
  return {
    sent,
    request(document: string, variables: Record<string, unknown>) {
      sent.push({ document, variables })
      return Promise.resolve(data)
    },
  }
}
const runData = (fields: unknown) => ({ project: { run: fields } })

test('with keys, sampledHistory sends one spec with the x axis first', async () => {
  const t = answering(
    runData({ sampledHistory: [[{ _step: 0, loss: 1 }, { _step: 9, loss: 0.1 }]] }),
  )
  const out = await sampledHistory(t, run, { keys: ['loss'], samples: 2 })
  assert.deepEqual(out, {
    sampled: true,
    samples: 2,
    stream: 'default',
    keys: ['_step', 'loss'],
    rows: [{ _step: 0, loss: 1 }, { _step: 9, loss: 0.1 }],
  })
  assert.deepEqual(t.sent[0].variables, {
    entity: 'e',
    project: 'p',
    name: 'r1',
    specs: ['{"keys":["_step","loss"],"samples":2}'],
  })
  const x = answering(runData({ sampledHistory: [] }))
  assert.deepEqual((await sampledHistory(x, run, { keys: ['a'], xAxis: 'epoch' })).rows, [])
  assert.deepEqual(x.sent[0].variables.specs, ['{"keys":["epoch","a"],"samples":500}'])
})

test('without keys, rows come from history or events text, NaN and 1.0 kept', async () => {
  const t = answering(runData({ history: ['{"_step": 0, "acc": 1.0, "x": NaN}'] }))
  const out = await sampledHistory(t, run)
  assert.equal(t.sent[0].document, RUN_FULL_HISTORY_QUERY.document)
  assert.deepEqual(t.sent[0].variables, { entity: 'e', project: 'p', name: 'r1', samples: 500 })
  assert.equal(out.keys, null)
  assert.equal(out.rows[0].acc, 1)
  assert.ok(Number.isNaN(out.rows[0].x))
  assert.deepEqual(floatKeysOf(out.rows[0]), ['acc'])
  const s = answering(runData({ events: ['{"system.cpu": 5}'] }))
  const sys = await sampledHistory(s, run, { stream: 'system', samples: 10 })
  assert.equal(s.sent[0].document, RUN_FULL_EVENTS_QUERY.document)
  assert.deepEqual(sys.rows, [{ 'system.cpu': 5 }])
  assert.equal(sys.stream, 'system')
})

test('sampledHistory refuses bad options before sending anything', async () => {
  const t = answering(runData({ history: [] }))
  await assert.rejects(sampledHistory(t, run, { samples: 0 }), {
    name: 'RangeError',
    message: 'Cannot sample history: samples must be an integer ≥ 1, got 0',
  })
  await assert.rejects(sampledHistory(t, run, { keys: ['a'], stream: 'system' }), {
    name: 'TypeError',
    message: /keys need stream 'default'/,
  })
  await assert.rejects(sampledHistory(t, run, { stream: 'gpu' as 'system' }), {
    message: "Cannot sample history: stream must be 'default' or 'system', got gpu",
  })
  await assert.rejects(sampledHistory(t, run, { keys: [1] as unknown as string[] }), {
    message: 'Cannot sample history: keys must be an array of strings, got 1',
  })
  assert.equal(t.sent.length, 0)
})

test('a missing run and a row that is not an object are named', async () => {
  await assert.rejects(sampledHistory(answering(runData(null)), run), {
    message: /^Cannot sample the history of e\/p\/r1: the server returned no run e\/p\/r1/,
  })
  await assert.rejects(sampledHistory(answering(runData({ history: ['[1,2]'] })), run), {
    name: 'TypeError',
    message: 'Cannot read a history row: [1,2] is not an object; is the server a W&B API?',
  })
})
