import { it } from 'node:test'
import assert from 'node:assert/strict'
import type { Row } from '../../src/row.ts'
import { buildReport, describeReport } from '../../src/report/build_report.ts'
import type { ReportSource } from '../../src/report/report_source.ts'

function source(id: string, history: Row[], system: Row[], config: Row = {}): ReportSource {
  const once = (rows: Row[]) =>
    new ReadableStream<Row[]>({
      start(c) {
        c.enqueue(rows)
        c.close()
      },
    })
  return {
    facts: {
      id,
      name: `run ${id}`,
      path: id,
      url: null,
      state: 'finished',
      createdAt: null,
      durationSeconds: 2,
      tags: [],
      notes: null,
      group: null,
      jobType: null,
      config,
      summary: {},
    },
    history: () => once(history),
    systemMetrics: () => Promise.resolve(once(system)),
    warnings: () => [],
  }
}

it('overlays runs per key, labels lines by run, groups system keys per device', async () => {
  const data = await buildReport([
    source('a', [{ _step: 0, 'train/loss': 2 }, { _step: 1, 'train/loss': 1 }], [
      { _runtime: 1, 'system.gpu.0.gpu': 5, 'system.gpu.1.gpu': 7 },
    ], { lr: 1 }),
    source('b', [{ _step: 0, 'train/loss': 3, acc: 0.5 }], [], { lr: 2 }),
  ])
  assert.equal(data.title, '2 runs')
  assert.deepEqual(data.charts.map((c) => [c.id, c.section, c.series.map((s) => s.label)]), [
    ['history:train/loss', 'train', ['run a', 'run b']],
    ['system:system.gpu.*.gpu', 'System: GPU', ['system.gpu.0.gpu', 'system.gpu.1.gpu']],
    ['history:acc', 'Charts', ['run b']],
  ])
  assert.deepEqual(data.configDiff, ['lr'])
  assert.deepEqual(describeReport(data), { runs: 2, charts: 3, points: 6 })
})

it('plots history against another metric; --system off reads no system rows', async () => {
  let systemRead = false
  const s = source('a', [{ _step: 0, epoch: 0, loss: 3 }, { _step: 5, epoch: 1, loss: 1 }], [])
  s.systemMetrics = () => {
    systemRead = true
    throw new Error('not read')
  }
  const data = await buildReport([s], { xAxis: 'epoch', system: false, keys: ['loss', 'nope'] })
  assert.equal(systemRead, false)
  assert.deepEqual(data.charts[0].series[0].x, [0, 1])
  assert.deepEqual(data.missingKeys, ['nope'])
  assert.equal(data.title, 'run a')
})
