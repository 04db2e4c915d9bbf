import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalRuns } from '../../src/local/local_runs.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import { WandbLogFormatError } from '../../src/local/errors.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'
import { resumedRun } from './_resumed_run.ts'

const skip = skipWithoutSharedFixtures
const WORKSPACE = sharedFixture('wandb-leet-fixtures/wandb/workspace-multi')

const temps: string[] = []
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

describe('LocalRuns on the LEET workspace', () => {
  it('lists one entry per folder with identity, state and sizes', { skip }, async () => {
    const runs = await LocalRuns.open(WORKSPACE)
    assert.equal(runs.wandbDir, join(WORKSPACE, 'wandb'))
    assert.deepEqual(runs.ids(), ['wm1plain', 'wm2notes', 'wm3live', 'wm4crash', 'wm5best'])
    const list = await runs.list({ runningWithinSeconds: 0 })
    assert.deepEqual(
      list.map((e) => [e.id, e.name, e.state, e.exitCode, e.tags, e.sizeBytes]),
      [
        ['wm1plain', 'plain-hill-1', 'finished', 0, [], 1684],
        ['wm2notes', 'noted-morning-2', 'finished', 0, [], 2335],
        ['wm3live', 'live-salad-3', 'crashed', null, [], 3093],
        ['wm4crash', 'crashed-flame-4', 'failed', 1, ['crash-test'], 1750],
        ['wm5best', 'sunny-lion-5', 'finished', 0, ['baseline', 'best'], 2460],
      ],
    )
    for (const e of list) {
      assert.equal(e.project, 'leet-fixtures')
      assert.equal(e.entity, 'fixture-entity')
      assert.equal(e.createdAt, '2026-01-02T03:04:05Z')
      assert.equal(e.filesSizeBytes, 0)
      assert.equal(e.damaged, false)
      assert.equal(e.resumed, false)
      assert.ok(e.wandbFile.startsWith(e.folder))
    }
  })

  it('calls a run without exit running when its file is fresh enough', { skip }, async () => {
    const list = await (await LocalRuns.open(WORKSPACE)).list({ runningWithinSeconds: Infinity })
    assert.equal(list.find((e) => e.id === 'wm3live')?.state, 'running')
  })

  it('get(id) opens the full run', { skip }, async () => {
    const run = await (await LocalRuns.open(join(WORKSPACE, 'wandb'))).get('wm2notes')
    assert.equal(run.id, 'wm2notes')
    assert.notEqual(run.notes, null)
    assert.equal(run.historyLineCount, 30)
    assert.ok('eval/bleu' in run.historyKeys.keys)
  })

  it('rejects an unknown or empty id', { skip }, async () => {
    const runs = await LocalRuns.open(WORKSPACE)
    await assert.rejects(
      runs.get('nope'),
      /no run folder has that id; ids there: wm1plain, wm2notes/,
    )
    assert.throws(() => runs.get(''), TypeError)
    await assert.rejects(LocalRuns.open(''), TypeError)
  })

  it(
    'lists the single run of a media workspace with the size of its files/',
    { skip },
    async () => {
      const list = await (await LocalRuns.open(sharedFixture('wandb-leet-fixtures/wandb/media')))
        .list()
      assert.equal(list.length, 1)
      assert.equal(list[0].id, 'media001')
      assert.ok(
        list[0].filesSizeBytes > 15 * 100,
        `files/ holds 15 PNGs, got ${list[0].filesSizeBytes} bytes`,
      )
    },
  )
})

describe('LocalRuns on a resumed run', () => {
  it('lists each folder, sorted by start time, and get(id) reads both in order', async () => {
    const made = await resumedRun()
    temps.push(made.root)
    const runs = await LocalRuns.open(made.wandbDir)
    assert.deepEqual(runs.folders.map((f) => f.folder), [made.second, made.first])
    assert.deepEqual(runs.ids(), ['res01'])
    const list = await runs.list({ runningWithinSeconds: 0 })
    assert.deepEqual(list.map((e) => [e.folder, e.name, e.state, e.resumed]), [
      [made.first, 'first', 'finished', false],
      [made.second, 'second', 'preempted', true],
    ])
    assert.equal(list[1].filesSizeBytes, 9)
    const run = await runs.get('res01')
    assert.deepEqual(run.segments.map((s) => s.folder), [made.first, made.second])
    assert.equal(run.historyLineCount, 5)
  })
})

describe('LocalRuns with an unreadable log', () => {
  it(
    'lists the readable runs and moves the other folder to skipped with the reason',
    { skip },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wbx-local-runs-'))
      temps.push(dir)
      const good = join(dir, 'wandb', 'offline-run-20260101_000000-good')
      const bad = join(dir, 'wandb', 'offline-run-20260101_000001-bad')
      await mkdir(good, { recursive: true })
      await mkdir(bad, { recursive: true })
      await copyFile(
        sharedFixture(
          'wandb-compat-logs-synthesized/offline-run-old_auto_steps/run-old_auto_steps.wandb',
        ),
        join(good, 'run-good.wandb'),
      )
      await writeFile(join(bad, 'run-bad.wandb'), 'hello\n')
      const runs = await LocalRuns.open(dir)
      assert.equal(runs.folders.length, 2)
      const list = await runs.list()
      assert.deepEqual(list.map((e) => [e.id, e.state]), [['old_auto_steps', 'finished']])
      assert.equal(runs.skipped.length, 1)
      assert.equal(runs.skipped[0].folder, bad)
      assert.match(runs.skipped[0].reason, /bad \.wandb header 68 65 6c 6c 6f 0a at byte 0/)
      await runs.list()
      assert.equal(runs.skipped.length, 1)
      await assert.rejects(LocalRun.open(bad), WandbLogFormatError)
    },
  )
})
