import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ExportState } from '../../src/bulk/export_state.ts'
import { exportRun, type RunExportContext } from '../../src/bulk/export_run.ts'
import type { Include, ManifestQuery } from '../../src/bulk/manifest.ts'
import type { Row } from '../../src/row.ts'
import { memoryRun } from './_memory_run.ts'
import { tempDir } from './_project.ts'

const include: Include = {
  history: true,
  system: false,
  configSummary: false,
  files: false,
  artifacts: false,
  logs: true,
}
const query: ManifestQuery = {
  filters: {},
  order: '+created_at',
  since: null,
  runs: null,
  shard: null,
  keys: null,
  format: 'ndjson',
  codec: 'zstd',
  partRows: 4,
  include,
  filePattern: null,
}
const folders: { dir: string; cleanup: () => void }[] = []
after(() => folders.forEach((f) => f.cleanup()))

async function open(): Promise<{ dir: string; state: ExportState; ctx: RunExportContext }> {
  const f = tempDir('export-run')
  folders.push(f)
  const state = await ExportState.open({ dir: f.dir, source: { kind: 'local', path: '/x' }, query })
  const ctx: RunExportContext = {
    dir: f.dir,
    state,
    include,
    format: 'ndjson',
    partRows: 4,
    signal: new AbortController().signal,
    now: () => Date.UTC(2025, 0, 2, 3, 4, 5),
  }
  return { dir: f.dir, state, ctx }
}

/** Every history row the export folder holds for `id`, in part order. */
async function exported(dir: string, id = 'mem1'): Promise<Row[]> {
  const folder = join(dir, 'history', `run_id=${id}`)
  const rows: Row[] = []
  for (const name of (await readdir(folder)).sort()) {
    const text = await readFile(join(folder, name), 'utf8')
    rows.push(...text.split('\n').filter((l) => l).map((l) => JSON.parse(l)))
  }
  return rows
}

test('exportRun writes a new run, then skips it unchanged, then appends only the new steps', async () => {
  const { dir, state, ctx } = await open()
  try {
    const log = (text: string, steps = 10) => ({
      ...memoryRun(steps),
      consoleLog: () => Promise.resolve(new Response(text).body!),
    })
    assert.deepEqual(await exportRun(log('hello\n'), ctx), { action: 'new', rows: 10 })
    const entry = state.entry('mem1')!
    assert.equal(entry.complete, true)
    assert.equal(entry.exportedAt, '2025-01-02T03:04:05.000Z')
    assert.deepEqual(entry.history!.parts.map((p) => p.rows), [4, 4, 2])
    assert.equal(entry.history!.lastStep, 9)
    assert.equal(entry.logs!.file, 'logs/mem1/output.log')
    assert.equal(await readFile(join(dir, 'logs/mem1/output.log'), 'utf8'), 'hello\n')
    assert.deepEqual((await exported(dir)).map((r) => r._step), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])

    assert.deepEqual(await exportRun(log('hello\n'), ctx), { action: 'skip', rows: 0 })

    const grown = await exportRun(log('hello\nmore\n', 13), ctx)
    assert.deepEqual(grown, { action: 'append', rows: 3 })
    const after = state.entry('mem1')!
    assert.equal(after.history!.lastStep, 12)
    assert.deepEqual(after.history!.parts.map((p) => [p.minStep, p.maxStep]), [
      [0, 3],
      [4, 7],
      [8, 9],
      [10, 12],
    ])
    assert.equal(await readFile(join(dir, 'logs/mem1/output.log'), 'utf8'), 'hello\nmore\n')
    const rows = await exported(dir)
    assert.deepEqual(rows.map((r) => r._step), [...Array(13).keys()])
    assert.deepEqual(rows[12], { _step: 12, loss: 1 / 13, acc: 120 })
  } finally {
    await state.close()
  }
})

test('a run whose last exported row changed is rewritten whole, stale parts removed', async () => {
  const { dir, state, ctx } = await open()
  try {
    await exportRun(memoryRun(10), ctx)
    // steps 0-9 exported; now step 9 holds another value and the run has grown to 14 steps
    const rewound = memoryRun(14, (r) => (r._step === 9 ? { ...r, loss: -1 } : r))
    assert.deepEqual(await exportRun(rewound, ctx), { action: 'rewrite', rows: 14 })
    const rows = await exported(dir)
    assert.deepEqual(rows.map((r) => r._step), [...Array(14).keys()])
    assert.equal(rows[9].loss, -1)
    assert.deepEqual(
      (await readdir(join(dir, 'history', 'run_id=mem1'))).sort(),
      ['part-00000.ndjson', 'part-00001.ndjson', 'part-00002.ndjson', 'part-00003.ndjson'],
    )
    assert.equal(state.entry('mem1')!.history!.rows, 14)
  } finally {
    await state.close()
  }
})

test('a run with fewer steps than exported is rewritten, and its history shrinks', async () => {
  const { dir, state, ctx } = await open()
  try {
    await exportRun(memoryRun(10), ctx)
    assert.deepEqual(await exportRun(memoryRun(5), ctx), { action: 'rewrite', rows: 5 })
    assert.deepEqual((await exported(dir)).map((r) => r._step), [0, 1, 2, 3, 4])
    assert.deepEqual((await readdir(join(dir, 'history', 'run_id=mem1'))).sort(), [
      'part-00000.ndjson',
      'part-00001.ndjson',
    ])
  } finally {
    await state.close()
  }
})
