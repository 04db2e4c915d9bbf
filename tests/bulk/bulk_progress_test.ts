/** Bulk export progress as counters and events: the library reports, it never writes. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BulkProgress, type BulkProgressEvent } from '../../src/bulk/bulk_progress.ts'

test('each counted change is an update event; finish is one finish event', () => {
  let clock = 0
  const events: BulkProgressEvent['type'][] = []
  const progress = new BulkProgress({ onProgress: (e) => events.push(e.type), now: () => clock })
  progress.runsTotal = 4
  progress.addRows(100)
  progress.addBytes(1000)
  clock = 2000
  progress.runDone()
  progress.runFailed()
  progress.runRetries++
  progress.finish()
  assert.deepEqual(events, ['update', 'update', 'update', 'update', 'finish'])
  const s = progress.snapshot()
  assert.deepEqual(
    { ...s },
    {
      runsDone: 1,
      runsFailed: 1,
      runsTotal: 4,
      rows: 100,
      bytes: 1000,
      requestRate: 0,
      requests: 0,
      retries: 1,
      concurrency: null,
      elapsedSeconds: 2,
      etaSeconds: 2, // two runs left at 1 s a run
    },
  )
})

test('the ETA follows planned rows when the plan knows them; the snapshot is read when asked', () => {
  let clock = 0
  let last: BulkProgressEvent | undefined
  const progress = new BulkProgress({ onProgress: (e) => last = e, now: () => clock })
  progress.plannedRows = 1000
  clock = 1000
  progress.addRows(250)
  assert.equal(last?.snapshot().etaSeconds, 3)
  progress.addRows(750)
  assert.equal(last?.snapshot().etaSeconds, 0)
  assert.equal(last?.snapshot().rows, 1000, 'the event reads the counters now')
})

test('without a listener counting works and nothing is written', () => {
  const progress = new BulkProgress()
  progress.addRows(3)
  progress.finish()
  assert.equal(progress.snapshot().rows, 3)
})
