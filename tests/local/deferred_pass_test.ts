import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalRun } from '../../src/local/local_run.ts'
import { WandbLogDamageError, WandbLogFormatError } from '../../src/local/errors.ts'
import { ClockTap, DeferredPass, runPass, runPassSync } from '../../src/local/deferred_pass.ts'
import { FULL_PASS_ATTRIBUTES, RUN_ATTRIBUTES } from '../../src/local/opened_run.ts'
import type { WandbRecord } from '../../src/local/record_types.ts'
import { ownFixturesDir, sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'
import { drain, removeDirs } from './_run_helpers.ts'

const skip = skipWithoutSharedFixtures
/** A real 3.2 MB log (SDK 0.12.4, Python writer, 143 history rows and 225 stats rows). */
const WILD_ID = '20tl2pcb'
const WILD = sharedFixture(
  `wild-runs/NatalieHanzhina__nasnet_mc_concrete_droppath/run-20211010_090414-${WILD_ID}/run-${WILD_ID}.wandb`,
)
const BAD_CRC = sharedFixture('wandb-leet-fixtures/wire/bad-crc.wandb')
const RUNS = join(ownFixturesDir, 'runs', 'wandb')
/** The bytes every read syscall of this process returned so far (Linux `/proc/self/io`). */
const IO = '/proc/self/io'
const skipIo = skip || (existsSync(IO) ? false : `${IO} is absent: byte counts need Linux`)

function bytesReadByProcess(): number {
  return Number(/^rchar: (\d+)$/m.exec(readFileSync(IO, 'utf8'))![1])
}

const temps: string[] = []
after(() => removeDirs(temps))

/** A `wandb/` folder holding the real log twice, as a run resumed once (two folders, one id). */
async function twoFolderRun(): Promise<{ wandbDir: string; bytes: number }> {
  const root = await mkdtemp(join(tmpdir(), 'wbx-deferred-'))
  temps.push(root)
  const wandbDir = join(root, 'wandb')
  for (const name of [`run-20211010_090414-${WILD_ID}`, `run-20211011_090414-${WILD_ID}`]) {
    await mkdir(join(wandbDir, name, 'files'), { recursive: true })
    await copyFile(WILD, join(wandbDir, name, `run-${WILD_ID}.wandb`))
  }
  return { wandbDir, bytes: 2 * (await stat(WILD)).size }
}

/** Every attribute a user reads, as JSON (getters included). */
function attributes(run: LocalRun): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of [...RUN_ATTRIBUTES, ...FULL_PASS_ATTRIBUTES]) {
    const value = run[key]
    out[key] = JSON.stringify(value instanceof Set ? [...value] : value)
  }
  out.segments = JSON.stringify(run.segments.map((s) => [s.startedAt, s.damage]))
  return out
}

describe('LocalRun.open (lazy by default) then a scan', () => {
  it('reads each .wandb file of a two-folder run once, not twice', { skip: skipIo }, async () => {
    const { wandbDir, bytes } = await twoFolderRun()
    let scanned = 0
    const before = bytesReadByProcess()
    const run = await LocalRun.open(wandbDir, { id: WILD_ID })
    const rows = await drain(run.scanHistory({ onRead: (n) => scanned = n }))
    const read = bytesReadByProcess() - before
    assert.equal(rows.length, 286)
    assert.equal(scanned, bytes)
    // One pass, plus the start-time peek of each folder (one 128 KiB slab) and the headers.
    assert.ok(read >= bytes && read < bytes * 1.1, `read ${read} bytes of ${bytes}`)
    // The eager pass reads every file twice for the same rows, and gives the same attributes
    // as the lazy run's first attribute read, which runs the pass then (a second read).
    const eagerStart = bytesReadByProcess()
    const eager = await LocalRun.open(wandbDir, { id: WILD_ID, metadata: 'full' })
    assert.deepEqual(await drain(eager.scanHistory()), rows)
    const eagerRead = bytesReadByProcess() - eagerStart
    assert.ok(eagerRead > bytes * 1.9, `the full open read ${eagerRead} bytes of ${bytes}`)
    const mark = bytesReadByProcess()
    assert.equal(run.historyLineCount, 286)
    assert.ok(bytesReadByProcess() - mark >= bytes, 'the first attribute read ran the pass')
    assert.deepEqual(attributes(run), attributes(eager))
  })

  it("with metadata: 'scan' open, scan and attributes read each file once", {
    skip: skipIo,
  }, async () => {
    const { wandbDir, bytes } = await twoFolderRun()
    const before = bytesReadByProcess()
    const run = await LocalRun.open(wandbDir, { id: WILD_ID, metadata: 'scan' })
    assert.equal(run.metadataPass, 'full')
    assert.equal((await drain(run.scanHistory())).length, 286)
    const lazy = attributes(run)
    const read = bytesReadByProcess() - before
    assert.ok(read >= bytes && read < bytes * 1.1, `read ${read} bytes of ${bytes}`)
    const eager = await LocalRun.open(wandbDir, { id: WILD_ID, metadata: 'full' })
    assert.deepEqual(lazy, attributes(eager))
  })

  it('streams system rows with the eager clocks, with or without the pass', { skip }, async () => {
    const { wandbDir } = await twoFolderRun()
    const eager = await LocalRun.open(wandbDir, { id: WILD_ID, metadata: 'full' })
    const expected = await drain(eager.scanSystemMetrics())
    assert.equal(expected.length, 2 * 225)
    for (const metadata of ['lazy', 'scan'] as const) {
      const run = await LocalRun.open(wandbDir, { id: WILD_ID, metadata })
      assert.deepEqual(await drain(run.scanSystemMetrics()), expected, metadata)
      assert.deepEqual(attributes(run), attributes(eager), metadata)
    }
  })

  it('leaves the pass to the first attribute read when a scan stops early', {
    skip: skipIo,
  }, async () => {
    const run = await LocalRun.open(WILD, { metadata: 'scan' })
    const reader = run.scanHistory({ batchSize: 10 }).getReader()
    assert.equal((await reader.read()).value?.length, 10)
    await reader.cancel()
    const before = bytesReadByProcess()
    assert.equal(run.historyLineCount, 143)
    assert.ok(bytesReadByProcess() - before >= (await stat(WILD)).size, 'the read ran the pass')
    assert.deepEqual(attributes(run), attributes(await LocalRun.open(WILD, { metadata: 'full' })))
  })

  it('load() and history() run the pass asynchronously', { skip }, async () => {
    const eager = await LocalRun.open(WILD, { metadata: 'full' })
    const run = await LocalRun.open(WILD)
    assert.equal(await run.load(), run)
    assert.deepEqual(attributes(run), attributes(eager))
    const sampled = await LocalRun.open(WILD)
    assert.deepEqual(await sampled.history({ samples: 7 }), await eager.history({ samples: 7 }))
    assert.deepEqual(attributes(sampled), attributes(eager))
    assert.equal(await (await LocalRun.open(WILD)).readLastHistoryStep(), eager.lastHistoryStep)
  })

  it('reports damage once, after scans as after the full open', { skip }, async () => {
    const eager = await LocalRun.open(BAD_CRC, { runningWithinSeconds: 0, metadata: 'full' })
    const expected = [{ start: 143, end: 293, reason: 'checksum mismatch' }]
    for (const metadata of ['lazy', 'scan'] as const) {
      const run = await LocalRun.open(BAD_CRC, { runningWithinSeconds: 0, metadata })
      assert.equal((await drain(run.scanHistory())).length, 1)
      await drain(run.scanSystemMetrics())
      assert.deepEqual(run.damage[0].lostRanges, expected, metadata)
      assert.equal(run.damaged, true)
      await drain(run.scanHistory())
      assert.deepEqual(attributes(run), attributes(eager), metadata)
    }
  })

  it('still fails at open for strict damage, a bad header or a folder', { skip }, async () => {
    await assert.rejects(LocalRun.open(BAD_CRC, { strict: true }), WandbLogDamageError)
    const dir = await mkdtemp(join(tmpdir(), 'wbx-deferred-'))
    temps.push(dir)
    const bad = join(dir, 'run-x.wandb')
    await writeFile(bad, 'not a log at all')
    await assert.rejects(LocalRun.open(bad), WandbLogFormatError)
    const empty = join(dir, 'run-empty.wandb')
    await writeFile(empty, '')
    const run = await LocalRun.open(empty)
    assert.equal(run.historyLineCount, 0)
  })

  it('derives the same state for runs without an exit record, written just now', async () => {
    const folders = (await readdir(RUNS)).filter((n) => /wbx(killed|midwrite|crash)$/.test(n))
    assert.ok(folders.length >= 2, `fixture runs under ${RUNS}`)
    for (const folder of folders) {
      const dir = await mkdtemp(join(tmpdir(), 'wbx-deferred-'))
      temps.push(dir)
      const name = (await readdir(join(RUNS, folder))).find((n) => n.endsWith('.wandb'))!
      // A fresh copy: written now, so the state depends on the log's newest record time.
      await copyFile(join(RUNS, folder, name), join(dir, name))
      for (const within of [60, 1e9]) {
        const eager = await LocalRun.open(join(dir, name), {
          runningWithinSeconds: within,
          metadata: 'full',
        })
        for (const metadata of ['lazy', 'scan'] as const) {
          const options = { runningWithinSeconds: within, metadata }
          const lazy = await LocalRun.open(join(dir, name), options)
          await drain(lazy.scanHistory())
          assert.equal(lazy.state, eager.state, `${folder} ${metadata} within ${within}s`)
          assert.equal(lazy.heartbeatAt, eager.heartbeatAt, folder)
        }
      }
    }
  })
})

describe('DeferredPass', () => {
  it('collects the same facts reading synchronously or asynchronously', { skip }, async () => {
    const sync = runPassSync([WILD, BAD_CRC], new DeferredPass([WILD, BAD_CRC], true))
    const async_ = await runPass([WILD, BAD_CRC], new DeferredPass([WILD, BAD_CRC], true))
    assert.deepEqual(sync.reports, async_.reports)
    assert.equal(sync.reports[1].lostRanges.length, 1)
    assert.equal(sync.collector.historyRows, 143 + 1)
    assert.deepEqual(sync.collector.summary.result(), async_.collector.summary.result())
    assert.equal(sync.lastFileActivity, async_.lastFileActivity)
    assert.deepEqual(sync.collector.segments, async_.collector.segments)
  })

  it('hands the finished pass to its end hook once', () => {
    const seen: DeferredPass[] = []
    const pass = new DeferredPass(['a.wandb'], false, (p) => seen.push(p))
    pass.begin(0)
    pass.end()
    pass.end()
    assert.deepEqual(seen, [pass])
    assert.equal(pass.types.has('output'), false)
    assert.equal(new DeferredPass(['a.wandb'], true).types.has('output'), true)
  })

  it("ClockTap keeps the start of each file's first run record that has one", () => {
    const tap = new ClockTap()
    const run = (seconds: number, runtime?: number) =>
      ({
        type: 'run',
        num: 1,
        run: { startTime: { seconds, nanos: 0 }, runtime },
      }) as unknown as WandbRecord
    tap.begin(0)
    tap.take(0, [run(100, 5), run(200, 9)])
    tap.begin(1)
    assert.deepEqual(tap.clock(0), { startTime: { seconds: 100, nanos: 0 }, priorRuntime: 5 })
    assert.deepEqual(tap.clock(1), { priorRuntime: 0 })
    assert.equal(tap.types.has('history'), false)
  })
})
