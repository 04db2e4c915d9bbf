import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ExportState } from '../../src/bulk/export_state.ts'
import type { ManifestQuery, PartRecord, RunEntry } from '../../src/bulk/manifest.ts'
import { readJournal } from '../../src/bulk/journal.ts'
import { tempDir } from './_project.ts'

const folders: { dir: string; cleanup: () => void }[] = []
// A state left open as a crash leaves it; closed only when the tests end.
const crashed: ExportState[] = []
after(async () => {
  for (const state of crashed) await state.close()
  folders.forEach((f) => f.cleanup())
})

const query: ManifestQuery = {
  filters: {},
  order: '+created_at',
  since: null,
  runs: null,
  shard: null,
  keys: null,
  format: 'parquet',
  codec: 'zstd',
  partRows: 10,
  include: {
    history: true,
    system: false,
    configSummary: true,
    files: false,
    artifacts: false,
    logs: false,
  },
  filePattern: null,
}
const source = { kind: 'remote' as const, path: 'e/p' }

function entry(id: string): RunEntry {
  return {
    id,
    name: id,
    state: 'finished',
    createdAt: '2024-01-01T00:00:00',
    updatedAt: '2024-01-01T00:10:00',
    historyLineCount: 30,
    lastHistoryStep: 29,
    complete: false,
    history: { lastStep: -1, rows: 0, parts: [] },
  }
}

function part(i: number): PartRecord {
  return {
    file: `history/run_id=a/part-0000${i}.parquet`,
    bytes: 100 + i,
    sha256: String(i).repeat(64),
    rows: 10,
    minStep: i * 10,
    maxStep: i * 10 + 9,
    lastRowHash: null,
  }
}

test('progress journaled between manifest writes survives a crash; a torn last line is ignored', async () => {
  const f = tempDir('state')
  folders.push(f)
  const state = await ExportState.open({ dir: f.dir, source, query, checkpointMs: 60_000 })
  crashed.push(state)
  await state.putRun(entry('a'))
  await state.addPart('a', part(0))
  await state.addPart('a', part(1))
  // The manifest on disk was written at open; the parts are only in the journal so far.
  const onDisk = JSON.parse(readFileSync(join(f.dir, 'wbx-manifest.json'), 'utf8'))
  assert.deepEqual(onDisk.runs, {})
  assert.equal((await readJournal(join(f.dir, '.wbx-journal.ndjson'))).length, 3)
  // The process dies mid-line: no close, half a line appended.
  appendFileSync(join(f.dir, '.wbx-journal.ndjson'), '{"op":"part","runId":"a","part":{"fi')

  const seen = await ExportState.peek(f.dir)
  assert.equal(seen!.runs.a.history!.lastStep, 19)
  assert.equal(seen!.runs.a.history!.rows, 20)
  assert.deepEqual(seen!.runs.a.history!.parts.map((p) => p.file), [part(0).file, part(1).file])

  const reopened = await ExportState.open({ dir: f.dir, source, query })
  assert.equal(reopened.entry('a')!.history!.parts.length, 2)
  // Opening folds the journal into the manifest and empties it.
  const merged = JSON.parse(readFileSync(join(f.dir, 'wbx-manifest.json'), 'utf8'))
  assert.equal(merged.runs.a.history.rows, 20)
  assert.deepEqual(await readJournal(join(f.dir, '.wbx-journal.ndjson')), [])
  reopened.setSelection(['a'], null)
  await reopened.finish(true)
  assert.equal(existsSync(join(f.dir, '.wbx-journal.ndjson')), false)
  const final = JSON.parse(readFileSync(join(f.dir, 'wbx-manifest.json'), 'utf8'))
  assert.equal(final.complete, false, 'run a is not complete')
  assert.equal(typeof final.finishedAt, 'string')
  assert.equal(final.totals.historyParts, 2)
})

test('a folder exported from another source, format or key selection is refused', async () => {
  const f = tempDir('clash')
  folders.push(f)
  const state = await ExportState.open({ dir: f.dir, source, query })
  await state.finish(true)
  await assert.rejects(
    ExportState.open({ dir: f.dir, source: { kind: 'remote', path: 'e/other' }, query }),
    /records the source "e\/p", not "e\/other"; use a new --out folder/,
  )
  await assert.rejects(
    ExportState.open({ dir: f.dir, source, query: { ...query, format: 'csv' } }),
    /records the format "parquet", not "csv"/,
  )
  await assert.rejects(
    ExportState.open({ dir: f.dir, source, query: { ...query, keys: ['loss'] } }),
    /records the history keys null, not \["loss"\]/,
  )
  // Filters, order and what is included may change between exports.
  const changed = await ExportState.open({
    dir: f.dir,
    source,
    query: {
      ...query,
      filters: { state: 'finished' },
      include: { ...query.include, system: true },
    },
  })
  await changed.finish(true)
})
