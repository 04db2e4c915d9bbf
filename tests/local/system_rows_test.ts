import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { systemRow, timestampSeconds } from '../../src/local/system_rows.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import type { Row } from '../../src/row.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const skip = skipWithoutSharedFixtures

async function allRows(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) rows.push(...batch)
  return rows
}

describe('systemRow', () => {
  it('prefixes keys with system., adds _wandb, _timestamp and _runtime', () => {
    const row = systemRow(
      {
        timestamp: { seconds: 110, nanos: 250_000_000 },
        items: [{ key: 'cpu', valueJson: '12.5' }, { key: 'gpu.0.temp', valueJson: '55' }],
      },
      { seconds: 100, nanos: 0 },
    )
    assert.deepEqual(row, {
      _wandb: true,
      _timestamp: 110.25,
      _runtime: 10.25,
      'system.cpu': 12.5,
      'system.gpu.0.temp': 55,
    })
  })

  it('flattens legacy dict values with dots, recursively', () => {
    const row = systemRow({
      timestamp: { seconds: 1, nanos: 0 },
      items: [{ key: 'network', valueJson: '{"sent": 1, "recv": {"a": 2}}' }],
    })
    assert.deepEqual(row, {
      _wandb: true,
      _timestamp: 1,
      'system.network.sent': 1,
      'system.network.recv.a': 2,
    })
  })

  it('leaves out _runtime without a start time and both times without a timestamp', () => {
    assert.deepEqual(
      systemRow({ items: [{ key: 'cpu', valueJson: 'NaN' }] }, { seconds: 1, nanos: 0 }),
      {
        _wandb: true,
        'system.cpu': NaN,
      },
    )
  })

  it('subtracts whole seconds before adding the nanosecond difference', () => {
    const row = systemRow({ timestamp: { seconds: 1613519052, nanos: 246828000 }, items: [] }, {
      seconds: 1613519047,
      nanos: 0,
    })
    assert.equal(row._runtime, 5.246828)
    const later = systemRow({ timestamp: { seconds: 10, nanos: 100 }, items: [] }, {
      seconds: 9,
      nanos: 500_000_100,
    })
    assert.equal(later._runtime, 0.5)
    assert.equal(timestampSeconds({ seconds: 5, nanos: 500_000_000 }), 5.5)
  })
})

describe('system rows of real runs', () => {
  it('2021 legacy run: one row with the exact §5.2 values', { skip }, async () => {
    const run = await LocalRun.open(sharedFixture('wandb-offline-run-2021'))
    const rows = await allRows(run.scanSystemMetrics())
    assert.deepEqual(rows, [{
      _wandb: true,
      _timestamp: 1613519052.246828,
      _runtime: 5.246828,
      'system.cpu': 24.3,
      'system.memory': 49.55,
      'system.network.sent': 260096,
      'system.network.recv': 100352,
      'system.disk': 7.6,
      'system.proc.memory.availableMB': 33050.88,
      'system.proc.memory.rssMB': 277.58,
      'system.proc.memory.percent': 0.42,
      'system.proc.cpu.threads': 16.5,
    }])
    assert.equal(run.systemLineCount, 1)
    const { _wandb, _timestamp, _runtime, ...metrics } = rows[0]
    assert.deepEqual(run.systemMetrics, metrics)
    assert.equal(run.systemMetrics['system.cpu'], 24.3)
  })

  it('sysstats1: 60 rows every 2 s with 15 system keys, exact first row', { skip }, async () => {
    const run = await LocalRun.open(sharedFixture('wandb-leet-fixtures/wandb/system-stats/wandb'))
    const rows = await allRows(run.scanSystemMetrics({ batchSize: 7 }))
    assert.equal(rows.length, 60)
    assert.deepEqual(rows[0], {
      _wandb: true,
      _timestamp: 1767323045,
      _runtime: 0,
      'system.cpu': 30.3264,
      'system.cpu.0.cpu_percent': 40,
      'system.cpu.1.cpu_percent': 56.036775,
      'system.cpu/l:trainer': 33.41471,
      'system.disk./.usagePercent': 60,
      'system.disk.in': 0,
      'system.disk.out': 0,
      'system.gpu.0.gpu': 80,
      'system.gpu.0.gpu/l:trainer': 77.191383,
      'system.gpu.0.memoryAllocated': 65,
      'system.gpu.0.powerWatts': 250,
      'system.gpu.0.temp': 55,
      'system.memory_percent': 50,
      'system.network.recv': 1000000,
      'system.network.sent': 800000,
    })
    rows.forEach((row, i) => {
      assert.equal(row._timestamp, 1767323045 + 2 * i)
      assert.equal(row._runtime, 2 * i)
      assert.equal(Object.keys(row).length, 18)
    })
    assert.equal(rows[59]._timestamp, 1767323163)
    const { _wandb, _timestamp, _runtime, ...last } = rows[59]
    assert.deepEqual(run.systemMetrics, last)
    assert.equal(Object.keys(run.systemMetrics).length, 15)
  })

  it(
    'sysstats1: sampled system history picks evenly spaced rows including the last',
    { skip },
    async () => {
      const run = await LocalRun.open(sharedFixture('wandb-leet-fixtures/wandb/system-stats/wandb'))
      const rows = await run.history({ stream: 'system', samples: 5 })
      assert.deepEqual(rows.map((r) => r._runtime), [0, 30, 60, 88, 118])
      const gpu = await allRows(run.scanSystemMetrics({ keys: ['system.gpu.0.temp'] }))
      assert.equal(gpu.length, 60)
      assert.deepEqual(gpu[0], { _timestamp: 1767323045, _runtime: 0, 'system.gpu.0.temp': 55 })
    },
  )
})
