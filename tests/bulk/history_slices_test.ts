import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Api } from '../../src/api/api.ts'
import { HistorySlice } from '../../src/api/history/history_slice.ts'
import { columnPool } from '../../src/api/history/decoded_columns.ts'
import { spoolDecompressors } from '../../src/export/parquet_codec.ts'
import { parquetReadObjects } from 'hyparquet'
import type { BulkHistoryOptions, BulkRun } from '../../src/bulk/bulk_source.ts'
import {
  exportHistoryParts,
  type HistoryPartsOptions,
  type HistoryWatermark,
} from '../../src/bulk/history_parts.ts'
import { historyBatches, withHistorySlices } from '../../src/bulk/history_slices.ts'
import type { PartRecord } from '../../src/bulk/manifest.ts'
import { RemoteBulkSource } from '../../src/bulk/remote_bulk_source.ts'
import { ParquetWorkers } from '../../src/export/parquet_workers.ts'
import type { Row } from '../../src/row.ts'
import type { RunSeed } from '../server/run_seed.ts'
import { startTestServer } from '../server/test_server.ts'
import { fastApi, tempDir } from './_project.ts'

const signal = new AbortController().signal

/** History with every kind of cell an export holds: sparse numbers, ints, bools, text, nesting. */
function mixedRows(count: number): Row[] {
  const rows: Row[] = []
  for (let step = 0; step < count; step++) {
    const row: Row = { _step: step, loss: 1 / (step + 1), epoch: Math.floor(step / 7) }
    if (step % 3 === 0) row.acc = step % 2 ? 0.5 : NaN
    if (step % 4 === 1) row.done = step % 8 === 1
    if (step % 5 === 2) row.phase = step % 10 === 2 ? 'train' : 'eval'
    if (step % 6 === 0) row.eval = { score: step / 10, count: step }
    rows.push(row)
  }
  return rows
}

/** The run's parts written by each way of reading, the part records, and the slices seen. */
interface Exported {
  parts: PartRecord[]
  bytes: Buffer[]
  slices: number
}

/** Exports `id`'s history as Parquet parts, reading slices where the run can (`slices`). */
async function exportOnce(
  run: BulkRun,
  slices: boolean,
  options: Partial<HistoryPartsOptions> = {},
  from = 0,
  watermark?: HistoryWatermark,
): Promise<Exported> {
  const { dir, cleanup } = tempDir('slices')
  try {
    let seen = 0
    // Count the slices the run hands out; without `slices` the run is read as rows only.
    const counted: BulkRun = { ...run }
    if (slices) {
      withHistorySlices(
        counted,
        (o: BulkHistoryOptions, threads) =>
          historyBatches(run, o, true, threads).pipeThrough(
            new TransformStream({
              transform(batch, controller) {
                if (batch instanceof HistorySlice) seen++
                controller.enqueue(batch)
              },
            }),
          ),
      )
    }
    const parts: PartRecord[] = []
    await exportHistoryParts(counted, from, 0, {
      dir,
      format: 'parquet',
      partRows: 50,
      signal,
      onPart: (p) => {
        parts.push(p)
        return Promise.resolve()
      },
      ...options,
    }, watermark)
    const bytes = await Promise.all(parts.map((p) => readFile(join(dir, p.file))))
    return { parts, bytes, slices: seen }
  } finally {
    cleanup()
  }
}

/** Serves `seeds` and hands their opened bulk runs to `fn`. */
async function withRuns(
  seeds: Partial<RunSeed>[],
  fn: (runs: BulkRun[]) => Promise<void>,
): Promise<void> {
  const server = await startTestServer()
  try {
    for (const [i, seed] of seeds.entries()) {
      server.addRun({ entity: 'e', project: 'p', id: `r${i}`, ...seed } as RunSeed)
    }
    const source = new RemoteBulkSource(new Api(fastApi(server)), 'e/p')
    const handles = await source.list({}, signal)
    const runs = await Promise.all(handles.map((h) => h.open(signal)))
    await fn(runs.sort((a, b) => a.id.localeCompare(b.id)))
  } finally {
    await server.stop()
  }
}

test('Parquet parts written from export slices are byte for byte those written from rows', async () => {
  await withRuns([
    // several files and row groups, a live tail read as rows
    { history: mixedRows(230), parquetFileRows: 90, parquetRowGroupRows: 40, liveTail: 17 },
    // steps stored as DOUBLE, no statistics
    { history: mixedRows(120), parquetStepType: 'DOUBLE', parquetStatistics: false },
  ], async (runs) => {
    for (const run of runs) {
      const fromRows = await exportOnce(run, false)
      const fromSlices = await exportOnce(run, true)
      assert.equal(fromRows.slices, 0)
      assert.ok(fromSlices.slices > 0, `${run.id}: the export columns were written as slices`)
      assert.deepEqual(fromSlices.parts, fromRows.parts, `${run.id}: the same part records`)
      assert.deepEqual(fromSlices.bytes, fromRows.bytes, `${run.id}: the same bytes`)
      assert.equal(fromRows.parts.reduce((n, p) => n + p.rows, 0), run.lastHistoryStep + 1)
    }
  })
})

test('cells a slice cannot carry as columns (JSON text, media) go as rows, with the same bytes', async () => {
  const rows = mixedRows(80).map((row) =>
    row._step === 33
      ? { ...row, media: { _type: 'image-file', path: 'a.png' }, tags: ['x', 'y'] }
      : row
  )
  await withRuns([{ history: rows, parquetRowGroupRows: 30 }], async ([run]) => {
    const fromRows = await exportOnce(run, false)
    const fromSlices = await exportOnce(run, true)
    assert.ok(fromSlices.slices > 0)
    assert.deepEqual(fromSlices.parts, fromRows.parts)
    assert.deepEqual(fromSlices.bytes, fromRows.bytes)
  })
})

test('a run whose rows drift from historyKeys is rewritten with inferred columns either way', async () => {
  await withRuns([{ history: mixedRows(60), parquetRowGroupRows: 25 }], async ([run]) => {
    // historyKeys that miss a key and type another wrongly: every part drifts.
    const { epoch: _, ...keys } = run.historyKeys
    const drifting: BulkRun = {
      ...run,
      historyKeys: { ...keys, phase: { typeCounts: [{ type: 'number', count: 1 }] } },
    }
    const fromRows = await exportOnce(drifting, false)
    const fromSlices = await exportOnce(
      withHistorySlices(drifting, (o) => historyBatches(run, o, true)),
      true,
    )
    assert.deepEqual(fromSlices.parts.map((p) => p.schema), fromRows.parts.map(() => null))
    assert.deepEqual(fromSlices.parts, fromRows.parts)
    assert.deepEqual(fromSlices.bytes, fromRows.bytes)
  })
})

test('a continued export checks the watermark and cuts the same parts from slices', async () => {
  await withRuns([{ history: mixedRows(200), parquetRowGroupRows: 64 }], async ([run]) => {
    const whole = await exportOnce(run, false)
    const step = whole.parts[1].maxStep!
    const watermark = { step, hash: whole.parts[1].lastRowHash }
    const fromRows = await exportOnce(run, false, {}, step + 1, watermark)
    const fromSlices = await exportOnce(run, true, {}, step + 1, watermark)
    assert.ok(fromSlices.slices > 0)
    assert.deepEqual(fromSlices.parts, fromRows.parts)
    assert.deepEqual(fromSlices.bytes, fromRows.bytes)
    assert.deepEqual(fromSlices.bytes, whole.bytes.slice(2), 'the parts after the watermark')
  })
})

test('slices of groups the decoder pools give the same parts, with every given-back buffer poisoned', async () => {
  // Groups of 2,000 rows (16 KB a dense column: pooled), files of 4,500 rows, and parts of 1,300
  // rows that split slices, so `pending`, `last` and the next group's decode overlap.
  const seed = { history: mixedRows(9_000), parquetFileRows: 4_500, parquetRowGroupRows: 2_000 }
  await withRuns([seed], async ([run]) => {
    columnPool.perturb = true
    try {
      const fromRows = await exportOnce(run, false, { partRows: 1_300 })
      columnPool.empty()
      const fromSlices = await exportOnce(run, true, { partRows: 1_300 })
      assert.ok(columnPool.bytes > 0, 'the slices let their groups go to the pool')
      assert.ok(fromSlices.slices > 0)
      assert.equal(fromSlices.parts.length, 7)
      assert.deepEqual(fromSlices.parts, fromRows.parts, 'the same records, last-row hashes too')
      assert.deepEqual(fromSlices.bytes, fromRows.bytes)
      // Both ways read through the decoder: check the values against the run's own history too.
      const loss: unknown[] = []
      for (const bytes of fromSlices.bytes) {
        const rows = await parquetReadObjects({
          file: new Uint8Array(bytes).buffer,
          columns: ['_step', 'loss'],
          compressors: spoolDecompressors,
        })
        for (const row of rows) loss.push([Number(row._step), row.loss])
      }
      assert.deepEqual(loss, seed.history.map((row) => [row._step, row.loss]))
    } finally {
      columnPool.perturb = false
      columnPool.empty()
    }
  })
})

test('slices decoded on a worker thread, one group ahead, give the parts rows decoded here give', async () => {
  const workers = await ParquetWorkers.start(1, {
    entry: new URL('../../src/bulk/export_worker.ts', import.meta.url),
  })
  try {
    // Two files of 4,500 rows in groups of 2,000, 2,000 and 500; parts of 1,300 rows split slices.
    const seed = { history: mixedRows(9_000), parquetFileRows: 4_500, parquetRowGroupRows: 2_000 }
    await withRuns([seed], async ([run]) => {
      const fromRows = await exportOnce(run, false, { partRows: 1_300 })
      const threaded = await exportOnce(run, true, {
        partRows: 1_300,
        workers,
        decodeThreads: workers,
      })
      assert.ok(threaded.slices > 0)
      assert.deepEqual(threaded.parts, fromRows.parts, 'the same records, last-row hashes too')
      assert.deepEqual(threaded.bytes, fromRows.bytes)
      assert.equal(workers.tasks, 6, 'every export row group was decoded on the worker, once')
      assert.equal(workers.groups, threaded.parts.length, 'and every part encoded there')
    })
  } finally {
    await workers.close()
  }
})
