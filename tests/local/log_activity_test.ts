import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { lastLogActivity } from '../../src/local/log_activity.ts'
import { readRecords } from '../../src/local/read_records.ts'
import { timestampSeconds } from '../../src/local/system_rows.ts'
import { parseValueJson } from '../../src/local/history_row.ts'
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
