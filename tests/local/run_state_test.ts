import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deriveState, needsRecordTime } from '../../src/local/run_state.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import { LocalRuns } from '../../src/local/local_runs.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const NOW = Date.parse('2026-12-04T12:00:00Z')
const WITHIN = 300

describe('deriveState', () => {
  it('an exit record decides whatever the times say', () => {
    const facts = { preempting: false, modifiedMs: NOW, lastRecordMs: NOW }
    assert.equal(deriveState({ ...facts, exitCode: 0 }, WITHIN, NOW), 'finished')
    assert.equal(deriveState({ ...facts, exitCode: 2 }, WITHIN, NOW), 'failed')
  })

  it('a fresh file whose newest record is old is crashed (a copied crashed run)', () => {
    const facts = {
      exitCode: undefined,
      preempting: false,
      modifiedMs: NOW - 1000,
      lastRecordMs: NOW - 3 * 86400_000,
    }
    assert.equal(deriveState(facts, WITHIN, NOW), 'crashed')
    assert.equal(deriveState({ ...facts, preempting: true }, WITHIN, NOW), 'preempted')
  })

  it('a fresh file with a fresh record is running; without record times the file age decides', () => {
    const base = { exitCode: undefined, preempting: false, modifiedMs: NOW - 1000 }
    assert.equal(deriveState({ ...base, lastRecordMs: NOW - 20_000 }, WITHIN, NOW), 'running')
    assert.equal(deriveState(base, WITHIN, NOW), 'running')
    assert.equal(deriveState({ ...base, modifiedMs: NOW - 301_000 }, WITHIN, NOW), 'crashed')
  })

  it('needsRecordTime asks for the log only without exit and with a fresh file', () => {
    const base = { exitCode: undefined, preempting: false, modifiedMs: NOW - 1000 }
    assert.equal(needsRecordTime(base, WITHIN, NOW), true)
    assert.equal(needsRecordTime({ ...base, exitCode: 0 }, WITHIN, NOW), false)
    assert.equal(needsRecordTime({ ...base, modifiedMs: NOW - 301_000 }, WITHIN, NOW), false)
  })
})

describe('state of a crashed wild run copied just now', {
  skip: skipWithoutSharedFixtures,
}, () => {
  const temps: string[] = []
  after(async () => {
    for (const dir of temps) await rm(dir, { recursive: true, force: true })
  })

  it('reads crashed from the log, not running from the fresh copy', async () => {
    const source = sharedFixture(
      'wild-runs/ARM-software__keyword-transformer/run-20220429_201936-3ojed7lz',
    )
    const dir = await mkdtemp(join(tmpdir(), 'wbx-state-'))
    temps.push(dir)
    const copy = join(dir, 'wandb', 'run-20220429_201936-3ojed7lz')
    await cp(source, copy, { recursive: true })
    const run = await LocalRun.open(copy)
    assert.equal(run.exitCode, null)
    assert.equal(run.state, 'crashed')
    const minimal = await LocalRun.open(copy, { metadata: 'minimal' })
    assert.equal(minimal.state, 'crashed')
    const [entry] = await (await LocalRuns.open(dir)).list()
    assert.equal(entry.state, 'crashed')
    // A window wide enough to cover the log's own last record still calls it running.
    const live = await LocalRun.open(copy, { runningWithinSeconds: 10 * 365 * 86400 })
    assert.equal(live.state, 'running')
  })
})
