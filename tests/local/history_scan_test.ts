import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalRun } from '../../src/local/local_run.ts'
import { historyRowStream } from '../../src/local/history_scan.ts'
import type { Row } from '../../src/row.ts'
import { writeNullRun } from '../history/_null_run.ts'
import { resumedRun } from './_resumed_run.ts'

const temps: string[] = []
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

async function drain(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) rows.push(...batch)
  return rows
}

describe('local history and system scans with keys', () => {
  it('count a null value as not logged and report keys that never had a value', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wbx-scan-keys-'))
    temps.push(root)
    const run = await LocalRun.open(await writeNullRun(root), { metadata: 'minimal' })
    const calls: string[][] = []
    const rows = await drain(run.scanHistory({
      keys: ['acc', 'gone', 'nope'],
      batchSize: 2,
      onMissingKeys: (k) => calls.push(k),
    }))
    assert.deepEqual(rows.map((r) => r._step), [0, 2, 4, 6], 'odd steps logged acc as null')
    assert.ok(rows.every((r) => r.acc !== null && !('gone' in r)))
    assert.deepEqual(calls, [['gone', 'nope']], 'reported once, at the end')
    const whole = await drain(run.scanHistory())
    assert.equal(whole[1].acc, null, 'a scan without keys shows the logged null')
  })

  it('report once over the segments of a resumed run, system rows too', async () => {
    const made = await resumedRun()
    temps.push(made.root)
    const run = await LocalRun.open(made.wandbDir, { id: 'res01', metadata: 'minimal' })
    assert.equal(run.wandbFiles.length, 2)
    const history: string[][] = []
    const rows = await drain(
      run.scanHistory({ keys: ['loss', 'nope'], onMissingKeys: (k) => history.push(k) }),
    )
    assert.deepEqual(rows.map((r) => r.loss), [3, 2, 1, 0.5, 0.25])
    assert.deepEqual(history, [['nope']])
    const system: string[][] = []
    const sys = await drain(run.scanSystemMetrics({
      keys: ['system.cpu', 'system.gpu'],
      onMissingKeys: (k) => system.push(k),
    }))
    assert.deepEqual(sys.map((r) => Object.keys(r)), [
      ['_timestamp', '_runtime', 'system.cpu'],
      ['_timestamp', '_runtime', 'system.cpu'],
    ])
    assert.deepEqual(system, [['system.gpu']])
  })

  it('report nothing when every key had a value, or when the scan is cancelled', async () => {
    const made = await resumedRun()
    temps.push(made.root)
    const run = await LocalRun.open(made.wandbDir, { id: 'res01', metadata: 'minimal' })
    let called = false
    await drain(run.scanHistory({ keys: ['loss'], onMissingKeys: () => (called = true) }))
    assert.equal(called, false)
    const reader = run.scanHistory({
      keys: ['nope'],
      batchSize: 1,
      onMissingKeys: () => (called = true),
    }).getReader()
    await reader.cancel()
    assert.equal(called, false, 'a cancelled scan has not seen every row')
  })

  it('refuse a misused key option before reading', () => {
    assert.throws(
      () => historyRowStream([], { keys: 'loss' as never }),
      /Cannot scan history: keys must be an array of strings, got "loss"/,
    )
    assert.throws(
      () => historyRowStream([], { onMissingKeys: 'x' as never }),
      /Cannot scan history: onMissingKeys must be a function/,
    )
  })
})
