/**
 * opened_run.ts: the eager open pass and a deferred pass derive the same attributes from the
 * same log, a minimal pass leaves the history-based ones out, and a deferred pass adds its
 * damage reports to the segments.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { openSegments, readMetadataFile } from '../../src/local/run_segments.ts'
import { DeferredPass, runPass, runPassSync } from '../../src/local/deferred_pass.ts'
import {
  FULL_PASS_ATTRIBUTES,
  type FullPassFacts,
  openDeferred,
  openEagerly,
  type OpenedRun,
  RUN_ATTRIBUTES,
} from '../../src/local/opened_run.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import { ownFixturesDir, sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const RUNS = join(ownFixturesDir, 'runs', 'wandb')
const BAD_CRC = sharedFixture('wandb-leet-fixtures/wire/bad-crc.wandb')

/** `true` only when A and B are mutually assignable. */
type Same<A, B> = [A] extends [B] ? [B] extends [A] ? true : false : false
type RunAttribute = typeof RUN_ATTRIBUTES[number]
type FullPassAttribute = typeof FULL_PASS_ATTRIBUTES[number]
// LocalRun declares its attributes and defines their getters from the two lists: these fail to
// compile when a declared type drifts from the type of the fact its getter returns.
const runAttributesTyped: Same<Pick<LocalRun, RunAttribute>, Pick<OpenedRun, RunAttribute>> = true
const fullAttributesTyped: Same<
  Pick<LocalRun, FullPassAttribute>,
  Pick<FullPassFacts, FullPassAttribute>
> = true

/** The run folders of the repository's own fixture runs (SDK-written offline runs). */
async function fixtureRuns(): Promise<string[]> {
  const names = (await readdir(RUNS)).filter((n) => n.startsWith('offline-run-'))
  assert.ok(names.length >= 5, `fixture runs under ${RUNS}`)
  return names.map((n) => join(RUNS, n))
}

describe('openEagerly and openDeferred', () => {
  it('derive the same attributes and file start times from the same log', async () => {
    for (const folder of await fixtureRuns()) {
      const eagerSegments = await openSegments(folder)
      const eager = await openEagerly(eagerSegments, { metadata: 'full' })
      const segments = await openSegments(folder)
      const files = segments.map((s) => s.wandbFile)
      const pass = await runPass(files, new DeferredPass(files, true))
      const deferred = openDeferred(pass, segments, await readMetadataFile(segments), {})
      assert.deepEqual(deferred, eager, folder)
      assert.deepEqual(segments, eagerSegments, folder)
      assert.ok(eager.full && eager.full.historyLineCount >= 0, folder)
      assert.match(segments[0].startedAt ?? '', /^\d{4}-\d\d-\d\dT/, folder)
    }
  })

  it('leave the history-, stats- and summary-based attributes out after a minimal pass', async () => {
    const folder = (await fixtureRuns()).find((f) => f.endsWith('wbxscalars'))!
    const full = await openEagerly(await openSegments(folder), { metadata: 'full' })
    const min = await openEagerly(await openSegments(folder), { metadata: 'minimal' })
    assert.equal(min.full, undefined)
    assert.ok(full.full && full.full.historyLineCount > 0)
    assert.equal(min.id, full.id)
    assert.deepEqual(min.config, full.config)
    assert.equal(min.state, full.state)
  })

  it('openDeferred adds the damage a pass saw to the segments', {
    skip: skipWithoutSharedFixtures,
  }, async () => {
    const segments = await openSegments(BAD_CRC)
    assert.deepEqual(segments[0].damage.lostRanges, [])
    const files = segments.map((s) => s.wandbFile)
    const opened = openDeferred(
      runPassSync(files, new DeferredPass(files, false)),
      segments,
      null,
      {},
    )
    assert.ok(opened.damaged)
    assert.equal(opened.damage[0], segments[0].damage)
    assert.ok(segments[0].damage.lostRanges.length > 0)
    assert.equal(opened.metadata, null)
  })

  it('are what the LocalRun attributes return, each a getter on the prototype', async () => {
    assert.ok(runAttributesTyped && fullAttributesTyped)
    const folder = (await fixtureRuns()).find((f) => f.endsWith('wbxscalars'))!
    const opened = await openEagerly(await openSegments(folder), { metadata: 'full' })
    const run = await LocalRun.open(folder, { metadata: 'full' })
    for (const key of RUN_ATTRIBUTES) {
      assert.deepEqual(run[key], opened[key], key)
      assert.equal(typeof Object.getOwnPropertyDescriptor(LocalRun.prototype, key)?.get, 'function')
    }
    for (const key of FULL_PASS_ATTRIBUTES) assert.deepEqual(run[key], opened.full![key], key)
    assert.equal(run.summaryMetrics, run.summary)
    assert.equal(run.lastHistoryStep, run.historyKeys.lastStep)
    assert.deepEqual(Object.keys(run), ['folder', 'metadataPass'])
    const min = await LocalRun.open(folder, { metadata: 'minimal' })
    for (const key of FULL_PASS_ATTRIBUTES) {
      assert.throws(() => min[key], new RegExp(`^TypeError: Cannot read LocalRun\\.${key} of `))
    }
  })
})
