import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { lastLogActivity, logState } from '../../src/local/log_activity.ts'
import { readRecords } from '../../src/local/read_records.ts'
import { timestampSeconds } from '../../src/local/system_rows.ts'
import { parseValueJson } from '../../src/local/history_record_row.ts'
import { ownFixturesDir } from '../_fixtures.ts'

const KILLED = join(
  ownFixturesDir,
  'runs/wandb/offline-run-20261128_072640-wbxkilled/run-wbxkilled.wandb',
)

/** The newest timestamp of each kind, computed independently from the decoded records. */
async function newest(file: string): Promise<{ all: number; withoutHistory: number }> {
  let all = -Infinity
  let withoutHistory = -Infinity
  for await (const batch of readRecords(file)) {
    for (const rec of batch) {
      let t: number | undefined
      if (rec.type === 'run' && rec.run.startTime) t = timestampSeconds(rec.run.startTime)
      if (rec.type === 'stats' && rec.stats.timestamp) t = timestampSeconds(rec.stats.timestamp)
      if ((rec.type === 'output' || rec.type === 'output_raw') && rec.output.timestamp) {
        t = timestampSeconds(rec.output.timestamp)
      }
      if (t !== undefined) withoutHistory = Math.max(withoutHistory, t)
      if (rec.type === 'history') {
        const item = rec.history.items.find((i) => i.path.join('.') === '_timestamp')
        if (item) t = parseValueJson(item.valueJson) as number
      }
      if (t !== undefined) all = Math.max(all, t)
    }
  }
  return { all, withoutHistory }
}

describe('lastLogActivity', () => {
  it('is the newest timestamp of run start, history, system samples and console output', async () => {
    const expected = await newest(KILLED)
    assert.ok(Number.isFinite(expected.all))
    assert.equal(await lastLogActivity(KILLED), expected.all)
    assert.equal(await lastLogActivity(KILLED, { history: false }), expected.withoutHistory)
  })
})

describe('logState', () => {
  const now = Date.now()
  it('an exit record decides without reading the log', async () => {
    const missing = join(ownFixturesDir, 'no-such-folder/run.wandb')
    const facts = { exitCode: 0, preempting: false, modifiedMs: now }
    assert.equal(await logState(missing, facts, { runningWithinSeconds: 300 }), 'finished')
    const failed = { ...facts, exitCode: 1 }
    assert.equal(await logState(missing, failed, { runningWithinSeconds: 300 }), 'failed')
  })

  it('an old file without an exit record is crashed (here preempted), without reading the log', async () => {
    const missing = join(ownFixturesDir, 'no-such-folder/run.wandb')
    const facts = { exitCode: undefined, preempting: true, modifiedMs: now - 3_600_000 }
    assert.equal(await logState(missing, facts, { runningWithinSeconds: 300 }), 'preempted')
  })

  it('a fresh file is running only when its newest record is fresh too', async () => {
    const { all } = await newest(KILLED)
    const facts = { exitCode: undefined, preempting: false, modifiedMs: now }
    // The killed run's records are from 2026-11-28: a window reaching back to them says running.
    const reaching = Math.ceil((now / 1000 - all) + 3600)
    assert.equal(await logState(KILLED, facts, { runningWithinSeconds: reaching }), 'running')
    assert.equal(
      await logState(KILLED, facts, { runningWithinSeconds: reaching - 7200 }),
      'crashed',
    )
    // A newer activity the caller already saw counts with what the log holds.
    const known = { seconds: now / 1000 }
    assert.equal(
      await logState(KILLED, facts, { runningWithinSeconds: 60, knownActivity: known }),
      'running',
    )
  })
})
