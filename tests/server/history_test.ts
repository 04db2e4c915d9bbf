import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  HISTORY_PAGE_QUERY,
  RUN_FULL_EVENTS_QUERY,
  RUN_FULL_HISTORY_QUERY,
  RUN_SAMPLED_HISTORY_QUERY,
  SAMPLED_HISTORY_PAGE_QUERY,
} from '../../src/api/queries.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import { generateRun } from './generate_run.ts'
import type { HistoryTable } from './history_table.ts'
import { startTestServer, type TestServer } from './test_server.ts'
import { gql, gqlData } from './_client.ts'

const GEN = generateRun({
  entity: 'e',
  project: 'p',
  id: 'h1',
  steps: 100,
  nonFiniteEvery: 10,
  sparseEvery: 5,
  nested: true,
})
const TABLE = GEN.history as HistoryTable
const base = { entity: 'e', project: 'p' }

async function withServer(fn: (s: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer({ runs: [GEN] })
  try {
    await fn(server)
  } finally {
    await server.stop()
  }
}

test('HistoryPage returns every row of [minStep, maxStep) as JSON text with bare NaN/Infinity', async () => {
  await withServer(async (s) => {
    const vars = { ...base, run: 'h1', minStep: 10, maxStep: 20, pageSize: 10 }
    const r = await gql(s, HISTORY_PAGE_QUERY.document, vars, { operationName: 'HistoryPage' })
    assert.equal(r.status, 200)
    const lines: string[] = r.body.data.project.run.history
    assert.equal(lines.length, 10)
    assert.deepEqual(
      lines.map((l) => parseJson(l)),
      Array.from({ length: 10 }, (_, i) => TABLE.rowAt(10 + i)),
    )
    assert.match(lines[9], /"loss":Infinity/)
    assert.match(r.text, /\\"loss\\":Infinity/, 'the bare token travels inside the JSON string')
    assert.deepEqual((parseJson(lines[0]) as { eval: unknown }).eval, TABLE.rowAt(10).eval)
  })
})

test('history(samples) without a range samples evenly, keeping first and last rows', async () => {
  await withServer(async (s) => {
    const all = await gqlData(s, RUN_FULL_HISTORY_QUERY.document, {
      ...base,
      name: 'h1',
      samples: 500,
    })
    assert.equal(all.project.run.history.length, 100)
    const few = await gqlData(s, RUN_FULL_HISTORY_QUERY.document, {
      ...base,
      name: 'h1',
      samples: 10,
    })
    const steps = few.project.run.history.map((l: string) =>
      (parseJson(l) as { _step: number })._step
    )
    assert.deepEqual(steps, [0, 11, 22, 33, 44, 55, 66, 77, 88, 99])
  })
})

test('events returns system-metric rows as JSON text', async () => {
  await withServer(async (s) => {
    const data = await gqlData(s, RUN_FULL_EVENTS_QUERY.document, {
      ...base,
      name: 'h1',
      samples: 500,
    })
    const rows = data.project.run.events.map((l: string) => parseJson(l))
    const system = GEN.events as HistoryTable
    assert.equal(rows.length, 10)
    assert.deepEqual(rows[3], system.rowAt(3))
    assert.equal(rows[3]._wandb, true)
    assert.equal(typeof rows[3]['system.cpu'], 'number')
  })
})

test('sampledHistory keeps rows having every key, treats maxStep as inclusive, and samples', async () => {
  await withServer(async (s) => {
    const page = async (spec: unknown) =>
      (await gqlData(s, SAMPLED_HISTORY_PAGE_QUERY.document, {
        ...base,
        run: 'h1',
        spec: JSON.stringify(spec),
      }))
        .project.run.sampledHistory[0]
    const sparse = await page({ keys: ['_step', 'acc'], minStep: 0, maxStep: 10, samples: 100 })
    assert.deepEqual(sparse.map((r: { _step: number }) => r._step), [0, 5, 10])
    assert.deepEqual(sparse[1], { _step: 5, acc: TABLE.rowAt(5).acc })
    const nested = await page({ keys: ['_step', 'eval.score'], minStep: 5, maxStep: 5, samples: 1 })
    assert.deepEqual(nested, [{
      _step: 5,
      'eval.score': (TABLE.rowAt(5).eval as { score: number }).score,
    }])
    // The legacy scan's page [0, 10] holds 11 rows but asks for 10: the backend downsamples.
    const legacy = await page({ keys: ['loss'], minStep: 0, maxStep: 10, samples: 10 })
    assert.equal(legacy.length, 10)
    const nonFinite = await page({ keys: ['_step', 'loss'], minStep: 9, maxStep: 29, samples: 100 })
    const strange = nonFinite.filter((r: { loss: unknown }) => typeof r.loss === 'string')
    assert.deepEqual(strange, [{ _step: 9, loss: 'NaN' }, { _step: 19, loss: 'Infinity' }, {
      _step: 29,
      loss: '-Infinity',
    }])
  })
})

test('RunSampledHistory answers one list per spec', async () => {
  await withServer(async (s) => {
    const specs = [
      JSON.stringify({ keys: ['_step', 'lr'], samples: 3 }),
      JSON.stringify({ keys: ['nope'], samples: 3 }),
    ]
    const data = await gqlData(s, RUN_SAMPLED_HISTORY_QUERY.document, {
      ...base,
      name: 'h1',
      specs,
    })
    const [lr, none] = data.project.run.sampledHistory
    assert.deepEqual(lr.map((r: { _step: number }) => r._step), [0, 50, 95])
    assert.deepEqual(none, [])
  })
})

test('a spec that is not JSON or lacks keys is refused with HTTP 400', async () => {
  await withServer(async (s) => {
    const r = await gql(s, SAMPLED_HISTORY_PAGE_QUERY.document, {
      ...base,
      run: 'h1',
      spec: '{"samples": 3}',
    })
    assert.equal(r.status, 400)
    assert.match(r.body.errors[0].message, /"keys" must be a list of strings/)
    const bad = await gql(s, SAMPLED_HISTORY_PAGE_QUERY.document, {
      ...base,
      run: 'h1',
      spec: 'nope',
    })
    assert.equal(bad.status, 400)
  })
})
