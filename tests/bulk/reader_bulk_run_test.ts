import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { LocalRun } from '../../src/local/local_run.ts'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import type { BulkSource } from '../../src/bulk/bulk_source.ts'
import { readerBulkRun } from '../../src/bulk/reader_bulk_run.ts'
import { filesDir, logPath, partPath } from '../../src/bulk/layout.ts'
import { collect } from '../../src/streams/paged_stream.ts'
import { memoryReader } from '../source/_memory_reader.ts'
import { exportedHistory, tempDir } from './_project.ts'

const SAMPLE = 'samples/wandb/latest-run'

/** The extras a source without files, artifacts or console output adds. */
const NOTHING_MORE = {
  name: null,
  systemSampled: false,
  consoleLog: () => Promise.resolve(null),
  files: () => Promise.resolve([]),
  artifacts: () => Promise.resolve([]),
}

test('readerBulkRun reads the attributes and history of any RunReader', async () => {
  const run = await LocalRun.open(SAMPLE)
  const bulk = readerBulkRun(run, NOTHING_MORE)
  assert.equal(bulk.lastHistoryStep, 299)
  assert.equal(bulk.historyLineCount, 300)
  assert.equal(bulk.updatedAt, run.heartbeatAt)
  assert.deepEqual(Object.keys(bulk.historyKeys).sort(), Object.keys(run.historyKeys.keys).sort())
  const signal = new AbortController().signal
  const rows = await collect(bulk.history({ minStep: 100, maxStep: 110, signal }))
  assert.deepEqual(rows.map((r) => r._step), [100, 101, 102, 103, 104, 105, 106, 107, 108, 109])
  assert.ok((await collect(await bulk.systemMetrics(signal))).length > 0)
})

test('exportProject exports a third, in-memory source given as RunReaders', async () => {
  const run = await LocalRun.open(SAMPLE)
  const reader = memoryReader('mem1', await collect(run.scanHistory()), run.summary)
  const source: BulkSource = {
    description: { kind: 'local', path: 'memory' },
    remote: false,
    list: () =>
      Promise.resolve([{
        id: reader.id,
        createdAt: null,
        updatedAt: null,
        open: () => Promise.resolve(readerBulkRun(reader, NOTHING_MORE)),
      }]),
  }
  const folder = tempDir('reader')
  try {
    const result = await exportProject({ source, out: folder.dir })
    assert.equal(result.complete, true, JSON.stringify(result.failures))
    const rows = await exportedHistory(folder.dir, 'mem1')
    assert.equal(rows.length, 300)
    assert.deepEqual(rows.map((r) => r._step).slice(0, 3), [0, 1, 2])
  } finally {
    folder.cleanup()
  }
})

test('exportProject exports the files, console log and artifacts of a third source, read through RunReader only', async () => {
  const reader = memoryReader('mem2', [{ _step: 0, a: 1 }, { _step: 1, a: 2 }], { a: 2 }, {
    files: { 'config.yaml': 'lr: 0.1\n', 'media/table.json': '{"rows":[]}' },
    console: 'epoch 1\nepoch 2\n',
    artifact: {
      name: 'weights',
      type: 'model',
      version: 'v0',
      entries: [{ path: 'w.bin', body: 'xyz' }],
    },
  })
  const source: BulkSource = {
    description: { kind: 'local', path: 'memory' },
    remote: false,
    list: () =>
      Promise.resolve([{
        id: reader.id,
        createdAt: null,
        updatedAt: null,
        // Only what the source alone knows: every other part comes from the RunReader.
        open: () => Promise.resolve(readerBulkRun(reader, { name: null, systemSampled: false })),
      }]),
  }
  const folder = tempDir('reader-extras')
  try {
    const result = await exportProject({
      source,
      out: folder.dir,
      format: 'ndjson',
      include: { history: true, files: true, logs: true, artifacts: true },
    })
    assert.equal(result.complete, true, JSON.stringify(result.failures))
    const files = join(folder.dir, filesDir('mem2'))
    assert.equal(readFileSync(join(files, 'config.yaml'), 'utf8'), 'lr: 0.1\n')
    assert.equal(readFileSync(join(files, 'media', 'table.json'), 'utf8'), '{"rows":[]}')
    assert.equal(readFileSync(join(folder.dir, logPath('mem2')), 'utf8'), 'epoch 1\nepoch 2\n')
    const artifacts = readFileSync(
      join(folder.dir, partPath('artifacts', 'mem2', 0, 'ndjson')),
      'utf8',
    )
      .trim().split('\n').map((line) => JSON.parse(line))
    assert.equal(artifacts.length, 1)
    assert.equal(artifacts[0].direction, 'logged')
    assert.equal(artifacts[0].name, 'weights')
    assert.equal(artifacts[0].file_count, 1)
    const bulk = readerBulkRun(reader, { name: null, systemSampled: false })
    const matched = await bulk.files('media/%', new AbortController().signal)
    assert.deepEqual(matched.map((f) => [f.name, f.sizeBytes]), [['media/table.json', 11]])
  } finally {
    folder.cleanup()
  }
})
