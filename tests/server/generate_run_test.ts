import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HISTORY_PAGE_QUERY, RUN_FULL_QUERY } from '../../src/api/queries.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import { generateRun } from './generate_run.ts'
import type { HistoryTable } from './history_table.ts'
import { startTestServer } from './test_server.ts'
import { gqlData } from './_client.ts'

const rows = (t: HistoryTable) => Array.from({ length: t.rowCount }, (_, i) => t.rowAt(i))

test('generated runs are deterministic for a seed and differ across seeds', () => {
  const a = generateRun({ steps: 20, seed: 3 })
  const b = generateRun({ steps: 20, seed: 3 })
  const c = generateRun({ steps: 20, seed: 4 })
  assert.deepEqual(rows(a.history as HistoryTable), rows(b.history as HistoryTable))
  assert.notDeepEqual(rows(a.history as HistoryTable), rows(c.history as HistoryTable))
  assert.match(a.id, /^[a-z0-9]{8}$/)
  assert.equal(a.id, b.id)
  assert.notEqual(a.id, c.id)
})

test('rows carry _step/_runtime/_timestamp, sparse metrics, nested objects and non-finite values', () => {
  const run = generateRun({
    steps: 12,
    metrics: ['loss', 'acc'],
    sparseEvery: 3,
    nested: true,
    nonFiniteEvery: 4,
  })
  const t = run.history as HistoryTable
  assert.deepEqual(Object.keys(t.rowAt(0)), [
    '_step',
    '_runtime',
    '_timestamp',
    'loss',
    'acc',
    'eval',
  ])
  assert.deepEqual(Object.keys(t.rowAt(1)), ['_step', '_runtime', '_timestamp', 'loss'])
  assert.equal(t.rowAt(5)._runtime, 2.5)
  assert.equal(t.rowAt(5)._timestamp, 1_704_067_200 + 2.75)
  assert.deepEqual([3, 7, 11].map((s) => t.rowAt(s).loss), [NaN, Infinity, -Infinity])
  assert.deepEqual(t.rowAt(6).eval, {
    score: (t.rowAt(6).eval as { score: number }).score,
    count: 12,
  })
  assert.equal(run.summary!.loss, -Infinity)
  assert.equal(
    run.summary!.acc,
    t.rowAt(9).acc,
    'summary keeps the last logged value of a sparse key',
  )
  assert.deepEqual(run.files!.map((f) => f.name), [
    'wandb-metadata.json',
    'config.yaml',
    'wandb-summary.json',
    'output.log',
    'requirements.txt',
  ])
  assert.throws(() => generateRun({ steps: -1 }), RangeError)
})

test('a five-million-step run is served without materialising its history', async () => {
  const big = generateRun({ entity: 'e', project: 'p', id: 'big', steps: 5_000_000 })
  const server = await startTestServer({ runs: [big] })
  try {
    const t0 = Date.now()
    const vars = {
      entity: 'e',
      project: 'p',
      run: 'big',
      minStep: 4_999_990,
      maxStep: 5_000_000,
      pageSize: 10,
    }
    const lines: string[] =
      (await gqlData(server, HISTORY_PAGE_QUERY.document, vars)).project.run.history
    assert.deepEqual(
      lines.map((l) => (parseJson(l) as { _step: number })._step),
      Array.from({ length: 10 }, (_, i) => 4_999_990 + i),
    )
    const run = (await gqlData(server, RUN_FULL_QUERY.document.replace('historyKeys', ''), {
      entity: 'e',
      project: 'p',
      name: 'big',
    })).project.run
    assert.equal(run.historyLineCount, 5_000_000)
    assert.equal(JSON.parse(run.summaryMetrics)._step, 4_999_999)
    assert.ok(Date.now() - t0 < 5000, 'answered without scanning the run')
  } finally {
    await server.stop()
  }
})
