/**
 * The official SDK logs an offline run in a subprocess while LocalRun follows it: the followed
 * history, system metrics and console lines equal a full read of the finished run; a writer
 * killed mid-run ends the stream as crashed with what was read; a resumed run is followed across
 * its folders.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { skipWithoutWandbPython } from '../_python.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import type { FollowEnd } from '../../src/local/follow_log.ts'
import type { Row } from '../../src/row.ts'
import { startWriter, stopWriter, type Writer } from './_sdk_writer.ts'

async function drain<T>(stream: ReadableStream<T[]>): Promise<T[]> {
  const out: T[] = []
  for await (const batch of stream) out.push(...batch)
  return out
}

const dirs: string[] = []
const writers: Writer[] = []
after(() => {
  for (const w of writers) stopWriter(w)
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-follow-local-'))
  dirs.push(dir)
  return dir
}

describe('following an offline run the SDK is logging', { skip: skipWithoutWandbPython }, () => {
  it('history, system metrics and console lines equal a full read of the finished run', async () => {
    const dir = workDir()
    const writer = startWriter({ mode: 'offline', id: 'live1', steps: 25, sleepS: 0.1, dir })
    writers.push(writer)
    const folder = await writer.folder
    const run = await LocalRun.open(folder, { metadata: 'minimal' })
    let historyEnd: FollowEnd | undefined
    const firstRowAt: number[] = []
    const history = drain(
      run.scanHistory({ follow: true, pollIntervalMs: 100, onEnd: (e) => (historyEnd = e) })
        .pipeThrough(
          new TransformStream<Row[], Row[]>({
            transform(batch, c) {
              firstRowAt.push(Date.now())
              c.enqueue(batch)
            },
          }),
        ),
    )
    const system = drain(run.scanSystemMetrics({ follow: true, pollIntervalMs: 100 }))
    const consoleLines = drain(run.consoleLines({ follow: true, pollIntervalMs: 100 }))
    const [rows, sys, lines] = await Promise.all([history, system, consoleLines])
    const exit = await writer.done
    assert.equal(exit.code, 0, exit.stderr)
    // Rows arrived while the run was going, not all at the end.
    assert.ok(firstRowAt.length > 1, `history came in ${firstRowAt.length} batch(es)`)
    const full = await LocalRun.open(folder)
    assert.deepEqual(rows, await drain(full.scanHistory()))
    assert.equal(rows.length, 25)
    assert.deepEqual(rows.map((r) => r._step), Array.from({ length: 25 }, (_, i) => i))
    assert.deepEqual(sys, await drain(full.scanSystemMetrics()))
    assert.ok(sys.length > 0, 'system samples every 0.5 s')
    assert.deepEqual(lines, await drain(full.consoleLines()))
    assert.ok(lines.some((l) => l.text === 'step 24 done'))
    assert.equal(historyEnd?.state, 'finished')
    assert.equal(full.damaged, false)
  })

  it('a writer killed mid-run ends the stream as crashed with every row that reached the file', async () => {
    const dir = workDir()
    const writer = startWriter({
      mode: 'offline',
      id: 'killed1',
      steps: 400,
      sleepS: 0.02,
      pad: 1500,
      killAt: 60,
      dir,
    })
    writers.push(writer)
    const folder = await writer.folder
    const run = await LocalRun.open(folder, { metadata: 'minimal' })
    let end: FollowEnd | undefined
    const rows = await drain(
      run.scanHistory({
        follow: true,
        pollIntervalMs: 100,
        crashedAfterMs: 2000,
        onEnd: (e) => (end = e),
      }),
    )
    const exit = await writer.done
    assert.equal(exit.signal, 'SIGKILL')
    assert.equal(end?.state, 'crashed')
    assert.equal(end?.exitCode, null)
    const full = await LocalRun.open(folder)
    assert.deepEqual(rows, await drain(full.scanHistory()))
    assert.ok(rows.length > 0 && rows.length <= 61, `${rows.length} rows`)
    assert.equal(full.state, 'running', 'written within the last 300 s: LocalRun cannot tell yet')
  })

  it('follows a resumed run across its folders: the first process finished, the second still logging', async () => {
    const dir = workDir()
    const first = startWriter({ mode: 'offline', id: 'resumed1', steps: 5, sleepS: 0, dir })
    writers.push(first)
    assert.equal((await first.done).code, 0)
    const second = startWriter({
      mode: 'offline',
      id: 'resumed1',
      steps: 8,
      sleepS: 0.15,
      dir,
      resume: true,
    })
    writers.push(second)
    await second.folder
    const run = await LocalRun.open(join(dir, 'wandb'), { id: 'resumed1', metadata: 'minimal' })
    assert.equal(run.segments.length, 2)
    const rows = await drain(run.scanHistory({ follow: true, pollIntervalMs: 100 }))
    assert.equal((await second.done).code, 0)
    const full = await LocalRun.open(join(dir, 'wandb'), { id: 'resumed1' })
    assert.deepEqual(rows, await drain(full.scanHistory()))
    assert.equal(rows.length, 13)
  })
})
