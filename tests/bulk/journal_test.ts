import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { applyOp, Journal, type JournalOp, readJournal } from '../../src/bulk/journal.ts'
import type { Manifest, PartRecord, RunEntry } from '../../src/bulk/manifest.ts'

const entry: RunEntry = {
  id: 'r1',
  name: null,
  state: 'running',
  createdAt: null,
  updatedAt: null,
  historyLineCount: 0,
  lastHistoryStep: -1,
  complete: false,
}
const part = (file: string, rows: number, maxStep: number | null): PartRecord => ({
  file,
  bytes: 1,
  sha256: 'x',
  rows,
  minStep: 0,
  maxStep,
  lastRowHash: null,
})

test('applyOp sets entries, appends parts once, moves the watermark and tracks failures', () => {
  const manifest = { runs: {}, failures: [] } as unknown as Manifest
  applyOp(manifest, { op: 'part', runId: 'r1', part: part('p0', 5, 4) }) // no entry yet: ignored
  assert.deepEqual(manifest.runs, {})
  applyOp(manifest, { op: 'run', entry: { ...entry } })
  applyOp(manifest, { op: 'part', runId: 'r1', part: part('p0', 5, 4) })
  applyOp(manifest, { op: 'part', runId: 'r1', part: part('p0', 5, 4) }) // replayed: once
  applyOp(manifest, { op: 'part', runId: 'r1', part: part('p1', 0, null) })
  assert.deepEqual(manifest.runs.r1.history, {
    lastStep: 4,
    rows: 5,
    parts: [part('p0', 5, 4), part('p1', 0, null)],
  })
  applyOp(manifest, { op: 'failure', failure: { runId: 'r1', attempts: 1, error: 'a' } })
  applyOp(manifest, { op: 'failure', failure: { runId: 'r1', attempts: 2, error: 'b' } })
  assert.deepEqual(manifest.failures, [{ runId: 'r1', attempts: 2, error: 'b' }])
  applyOp(manifest, { op: 'clear-failure', runId: 'r1' })
  assert.deepEqual(manifest.failures, [])
})

test('Journal appends lines that readJournal reads back, stopping at a torn line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-journal-'))
  try {
    const path = join(dir, '.wbx-journal.ndjson')
    assert.deepEqual(await readJournal(path), [])
    const journal = await Journal.open(dir, path)
    const ops: JournalOp[] = [
      { op: 'run', entry },
      { op: 'part', runId: 'r1', part: part('p0', 5, 4) },
      { op: 'clear-failure', runId: 'r1' },
    ]
    await Promise.all(ops.map((op) => journal.append(op)))
    assert.deepEqual(await readJournal(path), ops)
    await appendFile(path, '{"op":"run","entr')
    assert.deepEqual(await readJournal(path), ops)
    await journal.truncate()
    assert.equal(await readFile(path, 'utf8'), '')
    await journal.append({ op: 'clear-failure', runId: 'r2' })
    assert.deepEqual(await readJournal(path), [{ op: 'clear-failure', runId: 'r2' }])
    await journal.close(true)
    assert.deepEqual(await readJournal(path), [])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('appends that arrive together share one write and one flush, in order; truncate cuts between', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-journal-'))
  try {
    const path = join(dir, '.wbx-journal.ndjson')
    const journal = await Journal.open(dir, path)
    const ops: JournalOp[] = Array.from({ length: 40 }, (_, i) => ({
      op: 'clear-failure',
      runId: `r${i}`,
    }))
    await Promise.all(ops.map((op) => journal.append(op)))
    assert.deepEqual(await readJournal(path), ops)
    assert.ok(journal.syncs <= 2, `40 appends at once took ${journal.syncs} flushes`)
    // an append queued before truncate() is cut with it; one after it survives
    const before = journal.append({ op: 'clear-failure', runId: 'before' })
    const truncated = journal.truncate()
    const after = journal.append({ op: 'clear-failure', runId: 'after' })
    await Promise.all([before, truncated, after])
    assert.deepEqual(await readJournal(path), [{ op: 'clear-failure', runId: 'after' }])
    await journal.close(true)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
