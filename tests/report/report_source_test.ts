import { it } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { LocalRun } from '../../src/local/local_run.ts'
import { localReportSource, readerReportSource } from '../../src/report/report_source.ts'
import { memoryReader } from '../source/_memory_reader.ts'

const SAMPLE = fileURLToPath(new URL('../../samples/wandb/latest-run', import.meta.url))

it("a local run's report source: its context without _wandb, and its rows as streams", async () => {
  const source = localReportSource(await LocalRun.open(SAMPLE))
  const { config, summary, ...facts } = source.facts
  assert.deepEqual(facts, {
    id: 'wbxdemo1',
    name: 'demo-sgd-300',
    path: fileURLToPath(
      new URL('../../samples/wandb/offline-run-20261128_072908-wbxdemo1', import.meta.url),
    ),
    url: null,
    state: 'finished',
    createdAt: '2026-11-28T07:29:08Z',
    durationSeconds: 4,
    tags: ['demo', 'sgd'],
    notes: 'Sample run bundled with wbx',
    group: null,
    jobType: null,
  })
  assert.deepEqual(config, { lr: 0.05, batch_size: 64, optimizer: { name: 'sgd', momentum: 0.9 } })
  assert.equal(summary.best_val_loss, 0.052)
  assert.ok(!('_wandb' in summary))
  let rows = 0
  for await (const batch of source.history()) rows += batch.length
  assert.equal(rows, 300)
  let system = 0
  for await (const batch of await source.systemMetrics()) system += batch.length
  assert.equal(system, 10)
  assert.deepEqual(source.warnings(), [])
})

it('any RunReader gives a report source: a third, in-memory source draws as a local run', async () => {
  const run = await LocalRun.open(SAMPLE)
  const rows: Record<string, unknown>[] = []
  for await (const batch of run.scanHistory()) rows.push(...batch)
  const reader = memoryReader('mem1', rows, { ...run.summary, _wandb: { runtime: 4 } })
  const source = readerReportSource(reader)
  assert.equal(source.facts.id, 'mem1')
  assert.equal(source.facts.path, '/memory/mem1')
  // As a server run's: the summary's `_runtime` (the SDK's), else `_wandb.runtime`.
  assert.equal(source.facts.durationSeconds, run.summary._runtime)
  assert.ok(!('_wandb' in source.facts.summary))
  let count = 0
  for await (const batch of source.history()) count += batch.length
  assert.equal(count, 300)
  const local = localReportSource(run)
  assert.deepEqual(source.facts.summary, local.facts.summary)
})
