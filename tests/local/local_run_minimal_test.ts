import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { LocalRun } from '../../src/local/local_run.ts'
import { WandbLogDamageError } from '../../src/local/errors.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'
import { resumedRun } from './_resumed_run.ts'
import { drain, removeDirs } from './_run_helpers.ts'

const skip = skipWithoutSharedFixtures
const BAD_CRC = sharedFixture('wandb-leet-fixtures/wire/bad-crc.wandb')

const temps: string[] = []
after(() => removeDirs(temps))

describe("LocalRun.open with metadata: 'minimal'", () => {
  it('streams the same rows, system rows and console lines as a full open', async () => {
    const made = await resumedRun()
    temps.push(made.root)
    const full = await LocalRun.open(made.wandbDir, { id: 'res01' })
    const min = await LocalRun.open(made.wandbDir, { id: 'res01', metadata: 'minimal' })
    assert.equal(min.metadataPass, 'minimal')
    assert.equal(full.metadataPass, 'full')
    const history = await drain(min.scanHistory())
    assert.deepEqual(history.map((r) => r.loss), [3, 2, 1, 0.5, 0.25])
    assert.deepEqual(history, await drain(full.scanHistory()))
    const system = await drain(min.scanSystemMetrics())
    // _runtime needs each file's start time, which the minimal pass still reads from run records.
    assert.deepEqual(system.map((r) => r._runtime), [9.5, 35])
    assert.deepEqual(system, await drain(full.scanSystemMetrics()))
    const lines = (await drain(min.consoleLines())).map((l) => l.text)
    assert.deepEqual(lines, ['epoch 1', 'partial', 'resumed'])
    assert.deepEqual(
      await min.history({ samples: 3 }),
      await full.history({ samples: 3 }),
    )
    for (const attr of ['id', 'name', 'state', 'exitCode', 'createdAt', 'resumed'] as const) {
      assert.deepEqual(min[attr], full[attr], attr)
    }
    assert.deepEqual(min.config, { lr: 0.2, opt: { a: 1, b: 2 } })
    assert.deepEqual(min.config, full.config)
    assert.deepEqual(min.segments.map((s) => s.startedAt), full.segments.map((s) => s.startedAt))
  })

  it('refuses the attributes only the full pass can give, naming the option', async () => {
    const made = await resumedRun()
    temps.push(made.root)
    const min = await LocalRun.open(made.wandbDir, { id: 'res01', metadata: 'minimal' })
    const refused = [
      'summary',
      'summaryMetrics',
      'systemMetrics',
      'historyKeys',
      'lastHistoryStep',
      'historyLineCount',
      'systemLineCount',
      'historySteps',
      'heartbeatAt',
      'runtime',
    ] as const
    for (const attr of refused) {
      assert.throws(
        () => min[attr],
        (err: unknown) =>
          err instanceof TypeError &&
          err.message.includes(`LocalRun.${attr}`) &&
          err.message.includes("metadata: 'minimal'"),
        attr,
      )
    }
    const full = await LocalRun.open(made.wandbDir, { id: 'res01' })
    assert.equal(full.historyLineCount, 5)
    assert.equal(full.runtime, 35)
    await assert.rejects(
      LocalRun.open(made.wandbDir, { id: 'res01', metadata: 'none' as 'full' }),
      /metadata must be 'lazy', 'scan', 'full' or 'minimal', got "none"/,
    )
  })

  it('reports each lost range exactly once, also after scanning', { skip }, async () => {
    const run = await LocalRun.open(BAD_CRC, { metadata: 'minimal', runningWithinSeconds: 0 })
    const expected = [{ start: 143, end: 293, reason: 'checksum mismatch' }]
    assert.deepEqual(run.damage[0].lostRanges, expected)
    assert.equal(run.damage[0].records, 2)
    assert.equal(run.damaged, true)
    assert.equal(run.state, 'crashed')
    assert.equal((await drain(run.scanHistory())).length, 1)
    await drain(run.scanSystemMetrics())
    await drain(run.consoleLines())
    assert.deepEqual(run.damage[0].lostRanges, expected)
    assert.deepEqual(run.damage[0].numGaps, [])
  })

  it('with strict, fails on damage as the full open does', { skip }, async () => {
    await assert.rejects(
      LocalRun.open(BAD_CRC, { metadata: 'minimal', strict: true }),
      WandbLogDamageError,
    )
  })

  it('reports a truncated tail', { skip }, async () => {
    const file = sharedFixture('wandb-leet-fixtures/wire/truncated-tail.wandb')
    const run = await LocalRun.open(file, { metadata: 'minimal' })
    assert.equal(run.damage[0].truncatedTail, true)
    assert.deepEqual((await drain(run.scanHistory())).map((r) => r._step), [0, 1, 2])
  })
})
