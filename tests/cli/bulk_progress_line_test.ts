/** The `wbx export` progress line drawn from the bulk export's progress events. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BulkProgress } from '../../src/bulk/bulk_progress.ts'
import { BulkProgressLine, bulkProgressText, formatEta } from '../../src/cli/bulk_progress_line.ts'
import type { ProgressSnapshot } from '../../src/bulk/bulk_progress.ts'

const snapshot: ProgressSnapshot = {
  runsDone: 3,
  runsFailed: 1,
  runsTotal: 10,
  rows: 12345,
  bytes: 2048,
  requestRate: 7,
  requests: 40,
  retries: 2,
  concurrency: 4,
  elapsedSeconds: 12.34,
  etaSeconds: 125,
}

test('the line names runs, rows, bytes, requests, time and ETA; request figures need a governor', () => {
  assert.equal(
    bulkProgressText(snapshot),
    'export: runs 3/10 (1 failed), 12,345 rows, 2.0 KB, 7 req/s, concurrency 4, 2 retries, 12.3 s, ETA 2m 05s',
  )
  assert.equal(
    bulkProgressText({ ...snapshot, concurrency: null, runsFailed: 0, runsDone: 10 }),
    'export: runs 10/10, 12,345 rows, 2.0 KB, 12.3 s',
  )
  assert.equal(formatEta(7300), '2h 01m')
  assert.equal(formatEta(4.4), '4s')
})

test('on a terminal the line is redrawn in place at most ten times a second; notes go above it', () => {
  let clock = 0
  const out: string[] = []
  const line = new BulkProgressLine({ write: (t) => out.push(t), tty: true, now: () => clock })
  const progress = new BulkProgress({ onProgress: line.onProgress, now: () => clock })
  progress.runsTotal = 2
  progress.addRows(5)
  clock = 50
  progress.addRows(5) // too soon: not drawn
  clock = 150
  progress.runDone()
  line.note('wbx: the server asked to wait 3 s')
  progress.addBytes(10) // drawn again at once after a note
  progress.finish()
  assert.deepEqual(out, [
    '\rexport: runs 0/2, 5 rows, 0 B, 0.0 s\x1b[K',
    '\rexport: runs 1/2, 10 rows, 0 B, 0.1 s, ETA 0s\x1b[K',
    '\r\x1b[Kwbx: the server asked to wait 3 s\n',
    '\rexport: runs 1/2, 10 rows, 10 B, 0.1 s, ETA 0s\x1b[K',
    '\rexport: runs 1/2, 10 rows, 10 B, 0.1 s, ETA 0s\x1b[K\n',
  ])
})

test('elsewhere a full line is printed every interval, and the final line always', () => {
  let clock = 0
  const out: string[] = []
  const line = new BulkProgressLine({
    write: (t) => out.push(t),
    tty: false,
    intervalMs: 1000,
    now: () => clock,
  })
  const progress = new BulkProgress({ onProgress: line.onProgress, now: () => clock })
  progress.addRows(1)
  clock = 900
  progress.addRows(1)
  clock = 1000
  progress.addRows(1)
  line.note('a note')
  progress.finish()
  assert.deepEqual(out, [
    'export: runs 0/0, 1 rows, 0 B, 0.0 s\n',
    'export: runs 0/0, 3 rows, 0 B, 1.0 s\n',
    'a note\n',
    'export: runs 0/0, 3 rows, 0 B, 1.0 s\n',
  ])
})
