import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { LocalRun } from '../../src/local/local_run.ts'
import { WandbLogDamageError } from '../../src/local/errors.ts'
import type { Row } from '../../src/row.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'
import { resumedRun } from './_resumed_run.ts'

const skip = skipWithoutSharedFixtures
const LEET = sharedFixture('wandb-leet-fixtures/wandb/')
const compat = (name: string) => sharedFixture(`wandb-compat-logs-synthesized/offline-run-${name}`)

async function collect<T>(stream: ReadableStream<T[]>): Promise<{ items: T[]; batches: number[] }> {
  const items: T[] = []
  const batches: number[] = []
  for await (const batch of stream) {
    batches.push(batch.length)
    items.push(...batch)
  }
  return { items, batches }
}
const rows = async (stream: ReadableStream<Row[]>): Promise<Row[]> => (await collect(stream)).items

const temps: string[] = []
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})
async function tempRun(): Promise<{ wandbDir: string; first: string; second: string }> {
  const made = await resumedRun()
  temps.push(made.root)
  return made
}

describe('LocalRun on the 2021 legacy run', () => {
  it('has the API attributes the log holds', { skip }, async () => {
    const run = await LocalRun.open(sharedFixture('wandb-offline-run-2021'))
    assert.equal(run.id, 'g9dvvkua')
    assert.equal(run.displayName, null)
    assert.equal(run.name, 'g9dvvkua')
    assert.equal(run.project, 'code-toad')
    assert.equal(run.entity, '')
    assert.deepEqual(run.path, ['', 'code-toad', 'g9dvvkua'])
    assert.equal(run.host, 'cvp')
    assert.equal(run.state, 'finished')
    assert.equal(run.exitCode, 0)
    assert.equal(run.createdAt, '2021-02-16T23:44:07Z')
    assert.equal(run.heartbeatAt, '2021-02-16T23:44:12Z')
    assert.deepEqual(run.config, {})
    // SDK 0.10 composes `_wandb` from telemetry (no start_time before 0.11), keeping code_path.
    assert.deepEqual(run.rawconfig, {
      _wandb: {
        code_path: 'code/standalone_tests/code-toad.py',
        python_version: '3.7.5',
        cli_version: '0.10.20.dev1',
        is_jupyter_run: false,
        is_kaggle_kernel: false,
        t: { 4: '3.7.5', 5: '0.10.20.dev1' },
      },
    })
    assert.deepEqual(run.summary, {})
    assert.equal(run.summaryMetrics, run.summary)
    assert.equal(run.historyLineCount, 0)
    assert.equal(run.lastHistoryStep, -1)
    assert.deepEqual(run.historyKeys, { keys: {}, lastStep: -1 })
    assert.equal(run.producer, '0.10.20.dev1')
    assert.equal(run.pythonVersion, '3.7.5')
    assert.equal(run.damaged, false)
    assert.equal(run.damage[0].records, 10)
    assert.equal(run.metadata?.host, 'cvp')
    assert.equal(run.metadata?.python, '3.7.5')
    assert.deepEqual(await rows(run.scanHistory()), [])
    assert.deepEqual(await run.history(), [])
  })

  it('lists files/ with FilesRecord policies and lazy base64 md5', { skip }, async () => {
    const run = await LocalRun.open(sharedFixture('wandb-offline-run-2021/run-g9dvvkua.wandb'))
    const files = await run.files()
    assert.deepEqual(files.map((f) => [f.name, f.sizeBytes, f.policy]), [
      ['code/standalone_tests/code-toad.py', 117, 'now'],
      ['config.yaml', 252, null],
      ['diff.patch', 6184, 'now'],
      ['output.log', 0, null],
      ['requirements.txt', 0, null],
      ['upstream_diff_78c43d0cc7146adb88cef2fcca4ec244a2d6a162.patch', 60174, 'now'],
      ['wandb-metadata.json', 682, 'now'],
      ['wandb-summary.json', 3, null],
    ])
    const meta = files.find((f) => f.name === 'wandb-metadata.json')!
    assert.equal(meta.mimetype, 'application/json')
    const bytes = await readFile(meta.path!)
    assert.equal(await meta.md5(), createHash('md5').update(bytes).digest('base64'))
    assert.equal(
      await files.find((f) => f.name === 'output.log')!.md5(),
      '1B2M2Y8AsgTpgAmY7PhCfg==',
    )
  })

  it('reads the logged code artifact and its 54-entry manifest', { skip }, async () => {
    const run = await LocalRun.open(sharedFixture('wandb-offline-run-2021'))
    const arts = await run.loggedArtifacts()
    assert.equal(arts.length, 1)
    const a = arts[0]
    assert.equal(a.name, 'source-g9dvvkua')
    assert.equal(a.type, 'code')
    assert.equal(a.entity, 'vanpelt')
    assert.equal(a.digest, 'cc557740a90e40c5090544b6592d2aa3')
    assert.deepEqual(a.aliases, ['latest'])
    assert.equal(a.version, null)
    assert.equal(a.fileCount, 54)
    assert.equal(a.manifest?.storagePolicy, 'wandb-storage-policy-v1')
    assert.deepEqual(
      [a.manifest!.entries[0].path, a.manifest!.entries[0].digest, a.manifest!.entries[0].size],
      ['all_media_types.py', 'Pw4n8m1tHNFiJGNAZ2XlQw==', 8170],
    )
    assert.equal(a.size, a.manifest!.entries.reduce((s, e) => s + e.size, 0))
    assert.deepEqual(await run.usedArtifacts(), [])
  })
})

describe('LocalRun on the LEET tiny run', () => {
  const open = () => LocalRun.open(join(LEET, 'single-tiny/wandb/latest-run'))

  it('has metadata, summary and keys from one pass', { skip }, async () => {
    const run = await open()
    assert.equal(run.id, 'tiny0001')
    assert.equal(run.name, 'single-tiny-run')
    assert.deepEqual(run.path, ['fixture-entity', 'leet-fixtures', 'tiny0001'])
    assert.equal(run.state, 'finished')
    assert.equal(run.runtime, 300)
    assert.equal(run.createdAt, '2026-01-02T03:04:05Z')
    assert.equal(run.heartbeatAt, '2026-01-02T03:09:05Z')
    assert.deepEqual(run.config, {
      batch_size: 32,
      epochs: 5,
      lr: 0.001,
      optimizer: 'adam',
      seed: 1234,
    })
    assert.deepEqual(run.summary, {
      _step: 49,
      _timestamp: 1767323096,
      'eval/step_fn': 1,
      'train/loss': 0.285,
      'train/sine': 0.353408,
      best_step: 49,
      note: 'fixture summary',
    })
    const n = [{ type: 'number', count: 50 }]
    assert.deepEqual(run.historyKeys, {
      keys: {
        _step: { typeCounts: n },
        _timestamp: { typeCounts: n },
        'eval/step_fn': { typeCounts: n },
        'train/loss': { typeCounts: n },
        'train/sine': { typeCounts: n },
      },
      lastStep: 49,
    })
    assert.equal(run.historyLineCount, 50)
    assert.deepEqual(run.historySteps, { item: 50, field: 0, synthetic: 0, invalid: 0 })
    assert.equal(run.metadata?.writerId, 'fixturegen')
    assert.equal(run.producer, null)
  })

  it('streams every row in batches, with key and step filters', { skip }, async () => {
    const run = await open()
    const all = await collect(run.scanHistory({ batchSize: 7 }))
    assert.deepEqual(all.batches, [7, 7, 7, 7, 7, 7, 7, 1])
    assert.deepEqual(all.items.map((r) => r._step), Array.from({ length: 50 }, (_, i) => i))
    const loss = await rows(run.scanHistory({ keys: ['train/loss'], pageSize: 1000 }))
    assert.equal(loss.length, 50)
    assert.deepEqual(loss[0], { _step: 0, 'train/loss': 2 })
    const window = await rows(run.scanHistory({ minStep: 10, maxStep: 20 }))
    assert.deepEqual(window.map((r) => r._step), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    assert.equal(
      (await rows(run.scanHistory({ keys: ['train/loss', 'nope'], keysMode: 'all' }))).length,
      0,
    )
    assert.equal((await rows(run.scanHistory({ keys: ['train/loss', 'nope'] }))).length, 50)
  })

  it('samples evenly spaced rows like the SDK history()', { skip }, async () => {
    const run = await open()
    const sampled = await run.history({ samples: 5 })
    assert.deepEqual(sampled.map((r) => r._step), [0, 12, 25, 37, 49])
    assert.deepEqual(Object.keys(sampled[0]).length, 5)
    const keyed = await run.history({ samples: 3, keys: ['train/sine'] })
    assert.deepEqual(keyed, [
      { _step: 0, 'train/sine': 0.51786 },
      { _step: 25, 'train/sine': 0.123515 },
      { _step: 49, 'train/sine': 0.374483 },
    ])
    assert.equal((await run.history()).length, 50)
  })

  it('streams console lines, optionally one stream', { skip }, async () => {
    const run = await open()
    const { items } = await collect(run.consoleLines({ batchSize: 4 }))
    assert.equal(items.length, 10)
    assert.equal(items[2].text, 'training: 100%|##########| 50/50')
    const err = await collect(run.consoleLines({ stream: 'stderr' }))
    assert.deepEqual(err.items.map((l) => l.text), ['warning: fixture warning emitted at step 25'])
  })

  it('honours cancel() and an aborted signal', { skip }, async () => {
    const run = await open()
    const reader = run.scanHistory({ batchSize: 5 }).getReader()
    assert.equal((await reader.read()).value?.length, 5)
    await reader.cancel()
    const controller = new AbortController()
    const stream = run.scanHistory({ batchSize: 5, signal: controller.signal })
    controller.abort(new Error('stop now'))
    await assert.rejects(rows(stream), /stop now/)
  })

  it('rejects misuse with TypeError/RangeError', { skip }, async () => {
    const run = await open()
    assert.throws(() => run.scanHistory({ batchSize: 0 }), RangeError)
    assert.throws(() => run.scanHistory({ keys: 'loss' as unknown as string[] }), TypeError)
    assert.throws(() => run.history({ stream: 'events' as 'system' }), TypeError)
    await assert.rejects(run.history({ samples: 0 }), RangeError)
    await assert.rejects(LocalRun.open(''), TypeError)
  })
})

describe('LocalRun on edge cases', () => {
  it('media001: dotted keys reach into media objects', { skip }, async () => {
    const run = await LocalRun.open(join(LEET, 'media/wandb'))
    const paths = await rows(run.scanHistory({ keys: ['samples.path'] }))
    assert.deepEqual(paths.map((r) => r['samples.path']).slice(0, 2), [
      'media/images/samples_0_65998250.png',
      'media/images/samples_1_276cb361.png',
    ])
    assert.deepEqual(run.historyKeys.keys.samples, {
      typeCounts: [{ type: 'image-file', count: 5 }],
    })
    assert.deepEqual(run.historyKeys.keys.gallery, {
      typeCounts: [{ type: 'images/separated', count: 5 }],
    })
  })

  it('uni00001: unicode name, notes, tags and config', { skip }, async () => {
    const run = await LocalRun.open(join(LEET, 'edge-unicode/wandb'))
    assert.equal(run.name, '日本語ラン 🚀 家族👨\u200d👩\u200d👧\u200d👦')
    assert.equal(run.notes, '多言語ノート: emoji 🎉, ZWJ 👩\u200d🚀, combining café, 中文注释。')
    assert.deepEqual(run.tags, ['标签', '🏷️tag', 'ラベル', 'café'])
    assert.deepEqual(run.config, { 描述: '值', '模型/名字': '变形金刚🤖' })
    assert.deepEqual(run.summary, { _step: 9, 'emoji/🚀speed': 145, '损失/loss': 0.28 })
  })

  it('empty001: a lone run record is crashed or running by file age', { skip }, async () => {
    const dir = join(LEET, 'edge-empty/wandb')
    const old = await LocalRun.open(dir, { runningWithinSeconds: 0 })
    assert.equal(old.state, 'crashed')
    assert.equal(old.exitCode, null)
    assert.equal(old.runtime, 0)
    assert.equal(old.heartbeatAt, old.createdAt)
    assert.equal(old.historyLineCount, 0)
    assert.deepEqual(old.summary, {})
    assert.equal((await LocalRun.open(dir, { runningWithinSeconds: Infinity })).state, 'running')
  })

  it('old_bad_step_types: rows keep raw steps, step filters skip them, the run reports them', {
    skip,
  }, async () => {
    const run = await LocalRun.open(compat('old_bad_step_types'))
    assert.deepEqual(run.historySteps, { item: 0, field: 0, synthetic: 0, invalid: 6 })
    assert.equal(run.lastHistoryStep, -1)
    assert.deepEqual((await rows(run.scanHistory())).map((r) => r._step), ['5', 5.5, null, true, {
      a: 1,
    }, [1]])
    assert.deepEqual(await rows(run.scanHistory({ minStep: 0 })), [])
  })

  it(
    'old_shared_mode: synthesized steps are flagged; summary with and without history',
    { skip },
    async () => {
      const run = await LocalRun.open(compat('old_shared_mode'))
      assert.deepEqual(run.historySteps, { item: 0, field: 0, synthetic: 2, invalid: 0 })
      assert.deepEqual(await rows(run.scanHistory()), [{ x: 0, _step: 0 }, { x: 1, _step: 1 }])
      assert.deepEqual(run.summary, { x: 1 })
      const recordsOnly = await LocalRun.open(compat('old_shared_mode'), {
        summaryFromHistory: false,
      })
      assert.deepEqual(recordsOnly.summary, {})
    },
  )

  it('old_resumed_run: resumed flag and starting step', { skip }, async () => {
    const run = await LocalRun.open(compat('old_resumed_run'))
    assert.equal(run.resumed, true)
    assert.equal(run.startingStep, 5)
    assert.equal(run.lastHistoryStep, 7)
  })

  it('the five workspace runs have their states', { skip }, async () => {
    const states: Record<string, string> = {}
    for (const id of ['wm1plain', 'wm2notes', 'wm3live', 'wm4crash', 'wm5best']) {
      const run = await LocalRun.open(join(LEET, 'workspace-multi/wandb'), {
        id,
        runningWithinSeconds: 0,
      })
      states[id] = `${run.state}/${run.exitCode}`
    }
    assert.deepEqual(states, {
      wm1plain: 'finished/0',
      wm2notes: 'finished/0',
      wm3live: 'crashed/null',
      wm4crash: 'failed/1',
      wm5best: 'finished/0',
    })
  })

  it('a bad CRC loses the rest of the block: intact records plus a report', { skip }, async () => {
    const file = sharedFixture('wandb-leet-fixtures/wire/bad-crc.wandb')
    const run = await LocalRun.open(file, { runningWithinSeconds: 0 })
    assert.equal(run.damaged, true)
    assert.deepEqual(run.damage[0].lostRanges, [{
      start: 143,
      end: 293,
      reason: 'checksum mismatch',
    }])
    assert.equal(run.damage[0].records, 2)
    assert.equal(run.historyLineCount, 1)
    assert.equal(run.state, 'crashed')
    assert.equal((await rows(run.scanHistory())).length, 1)
    await assert.rejects(LocalRun.open(file, { strict: true }), WandbLogDamageError)
  })

  it('a truncated tail keeps the three complete rows', { skip }, async () => {
    const run = await LocalRun.open(sharedFixture('wandb-leet-fixtures/wire/truncated-tail.wandb'))
    assert.equal(run.damage[0].truncatedTail, true)
    assert.equal(run.historyLineCount, 3)
    assert.deepEqual((await rows(run.scanHistory())).map((r) => r._step), [0, 1, 2])
  })

  it('explains a wandb/ folder with several runs and an unknown id', { skip }, async () => {
    const dir = join(LEET, 'workspace-multi/wandb')
    await assert.rejects(LocalRun.open(dir), /5 run\(s\) \(wm1plain, wm2notes/)
    await assert.rejects(
      LocalRun.open(dir, { id: 'nope' }),
      /Cannot open run "nope" in .*: no run folder has that id; ids there: wm1plain/,
    )
  })
})

describe('LocalRun on a resumed run (two folders, hand-written logs)', () => {
  it('opened by id: folders in start-time order, config/summary replayed across, history concatenated', async () => {
    const { wandbDir, first, second } = await tempRun()
    const run = await LocalRun.open(wandbDir, { id: 'res01', runningWithinSeconds: 0 })
    assert.deepEqual(run.segments.map((s) => s.folder), [first, second])
    assert.deepEqual(run.segments.map((s) => s.startedAt), [
      '1970-01-01T00:16:40.500Z',
      '1970-01-01T00:33:20.000Z',
    ])
    assert.equal(run.id, 'res01')
    assert.equal(run.name, 'second')
    assert.deepEqual(run.tags, ['t1'])
    assert.equal(run.project, 'p1')
    assert.equal(run.resumed, true)
    assert.equal(run.startingStep, 3)
    assert.equal(run.producer, '0.31.0+abc')
    assert.deepEqual(run.config, { lr: 0.2, opt: { a: 1, b: 2 } })
    assert.deepEqual(run.summary, { _step: 4, loss: 0.25, loss_best: { min: 3 } })
    assert.deepEqual((await rows(run.scanHistory())).map((r) => [r._step, r.loss]), [
      [0, 3],
      [1, 2],
      [2, 1],
      [3, 0.5],
      [4, 0.25],
    ])
    assert.equal(run.createdAt, '1970-01-01T00:16:40Z')
    assert.equal(run.state, 'preempted')
    assert.equal(run.exitCode, null)
    assert.equal(run.runtime, 35)
    const sys = await rows(run.scanSystemMetrics())
    assert.deepEqual(sys.map((r) => [r._runtime, r['system.cpu']]), [[9.5, 50], [35, 60]])
    assert.deepEqual(run.systemMetrics, { 'system.cpu': 60 })
    const lines = (await collect(run.consoleLines())).items.map((l) => l.text)
    assert.deepEqual(lines, ['epoch 1', 'partial', 'resumed'])
  })

  it('history, system and console scans report the bytes read of both files together', async () => {
    const { wandbDir } = await tempRun()
    const run = await LocalRun.open(wandbDir, { id: 'res01', metadata: 'minimal' })
    const [a, b] = run.segments.map((s) => s.sizeBytes)
    assert.ok(a > 7 && b > 7, `sizes ${a}, ${b}`)
    const scans: [string, (onRead: (n: number) => void) => ReadableStream<unknown[]>][] = [
      ['history', (onRead) => run.scanHistory({ onRead })],
      ['system', (onRead) => run.scanSystemMetrics({ onRead })],
      ['console', (onRead) => run.consoleLines({ onRead })],
    ]
    for (const [name, scan] of scans) {
      const seen: number[] = []
      await collect(scan((n) => seen.push(n)))
      // Each small file is read in one slab: its size, then both sizes together.
      assert.deepEqual(seen, [a, a + b], name)
    }
  })

  it('lists files of both folders with policies (glob included) and missing FilesRecord paths', async () => {
    const { wandbDir } = await tempRun()
    const run = await LocalRun.open(wandbDir, { id: 'res01' })
    const files = await run.files()
    assert.deepEqual(files.map((f) => [f.name, f.sizeBytes, f.policy]), [
      ['ckpt/e1.ckpt', 2, 'live'],
      ['config.yaml', 8, 'end'],
      ['missing.txt', null, 'now'],
      ['model.pt', 7, 'end'],
    ])
    await assert.rejects(files[2].md5(), /missing\.txt: the run lists it but it is not on disk/)
  })

  it('reads logged and used artifacts', async () => {
    const { wandbDir } = await tempRun()
    const run = await LocalRun.open(wandbDir, { id: 'res01' })
    const [logged] = await run.loggedArtifacts()
    assert.equal(logged.name, 'data')
    assert.equal(logged.version, 'v0')
    assert.equal(logged.size, 42)
    assert.equal(logged.fileCount, 2)
    assert.deepEqual(logged.metadata, { rows: 2 })
    assert.deepEqual(await run.usedArtifacts(), [
      { id: 'QXJ0aWZhY3Q6MQ==', name: 'e1/p1/data:v3', type: 'dataset', version: 'v3' },
    ])
  })

  it('opened by folder: reads that folder only', async () => {
    const { second } = await tempRun()
    const run = await LocalRun.open(second)
    assert.equal(run.segments.length, 1)
    assert.deepEqual((await rows(run.scanHistory())).map((r) => r._step), [3, 4])
    assert.deepEqual(run.config, { opt: { b: 2 }, lr: 0.2 })
    assert.equal(run.createdAt, '1970-01-01T00:33:20Z')
  })
})
