import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fetchParquetExports } from '../../../src/api/history/parquet_exports.ts'
import { ParquetExportFile } from '../../../src/api/history/parquet_export_file.ts'
import { HistoryShortfallError } from '../../../src/api/history/history_shortfall.ts'
import {
  EXPORT_SLICE_ROWS,
  ExportFileSource,
  LiveHistorySource,
} from '../../../src/api/history/step_sources.ts'
import type { Row } from '../../../src/row.ts'
import type { HistoryRunRef, HistoryTransport } from '../../../src/api/history/history_target.ts'
import { columnPool } from '../../../src/api/history/decoded_columns.ts'
import type { HistorySlice } from '../../../src/api/history/history_slice.ts'
import { startTestServer } from '../../server/test_server.ts'
import { apiFor } from '../_setup.ts'
import { withServedRun } from './_served_run.ts'

/** Opens the run's one history export file. */
async function onlyExport(
  transport: HistoryTransport,
  run: HistoryRunRef,
): Promise<ParquetExportFile> {
  const { urls } = await fetchParquetExports(transport, run)
  return await ParquetExportFile.open(urls[0], '1 of 1', {})
}

test('ExportFileSource reads only the row groups and rows inside its step window', async () => {
  await withServedRun({ steps: 20, parquetRowGroupRows: 4 }, async ({ transport, run, rows }) => {
    const file = await onlyExport(transport, run)
    const source = new ExportFileSource(file, 6, 14)
    assert.equal(source.nextStep, 6)
    const batches: Row[][] = []
    while (source.nextStep !== Infinity) batches.push(await source.read())
    // groups 4-7, 8-11, 12-15 overlap [6, 14); their rows outside it are dropped
    assert.deepEqual(batches.map((b) => b.map((r) => r._step)), [[6, 7], [8, 9, 10, 11], [12, 13]])
    assert.deepEqual(batches.flat(), rows.slice(6, 14))
    assert.deepEqual(await source.read(), [], 'nothing after the end')
  })
})

test('ExportFileSource hands a big row group out in slices, with nextStep following the slice', async () => {
  const steps = 2 * EXPORT_SLICE_ROWS + 100
  await withServedRun({ steps, parquetRowGroupRows: steps }, async ({ transport, run, rows }) => {
    const file = await onlyExport(transport, run)
    const source = new ExportFileSource(file, 5, steps)
    const batches: Row[][] = []
    const bounds: number[] = []
    while (source.nextStep !== Infinity) {
      bounds.push(source.nextStep)
      batches.push(await source.read())
    }
    // one group of 16,484 rows: three reads of at most EXPORT_SLICE_ROWS rows
    assert.deepEqual(batches.map((b) => b.length), [EXPORT_SLICE_ROWS - 5, EXPORT_SLICE_ROWS, 100])
    assert.deepEqual(bounds, [5, EXPORT_SLICE_ROWS, 2 * EXPORT_SLICE_ROWS])
    assert.deepEqual(batches.flat(), rows.slice(5))
  })
})

test('LiveHistorySource pages the step range in pageSize steps and ends with nextStep Infinity', async () => {
  await withServedRun({ steps: 23, parquetExport: false }, async ({ transport, run, rows }) => {
    for (const readAhead of [true, false]) {
      const live = new LiveHistorySource(transport, run, {
        from: 3,
        stop: 20,
        pageSize: 5,
        readAhead,
      })
      const pages: Row[][] = []
      while (live.nextStep !== Infinity) pages.push(await live.read())
      assert.deepEqual(pages.map((p) => p.length), [5, 5, 5, 2])
      assert.deepEqual(pages.flat(), rows.slice(3, 20))
      assert.equal(live.pages, 4)
    }
  })
})

/** A transport whose every HistoryPage answer holds these row texts. */
function pageOf(texts: string[]) {
  return {
    request: () => Promise.resolve({ project: { run: { history: texts } } }),
  }
}
const RUN = { entity: 'e', project: 'p', id: 'r1' }

test('LiveHistorySource keeps one of two identical rows, drops rows outside the page, sorts by step', async () => {
  const live = new LiveHistorySource(
    pageOf(['{"_step":2,"a":1}', '{"_step":0,"a":0.5}', '{"_step":2,"a":1}', '{"_step":9,"a":3}']),
    RUN,
    { from: 0, stop: 5, pageSize: 5 },
  )
  assert.deepEqual(await live.read(), [{ _step: 0, a: 0.5 }, { _step: 2, a: 1 }])
})

test('malformed and conflicting rows: an error naming the run, or problems when reporting', async () => {
  const texts = ['{"_step":1,"a":1}', '{"_step":1,"a":2}', '{"a":3}']
  const strict = new LiveHistorySource(pageOf(texts), RUN, { from: 0, stop: 3, pageSize: 3 })
  await assert.rejects(
    strict.read(),
    (err: Error) => err instanceof HistoryShortfallError && /e\/p\/r1/.test(err.message),
  )
  const lenient = new LiveHistorySource(pageOf(texts), RUN, {
    from: 0,
    stop: 3,
    pageSize: 3,
    onShortfall: 'report',
  })
  const rows = await lenient.read()
  assert.equal(rows.length, 2)
  assert.equal(lenient.problems.length, 2)
  assert.equal(lenient.rowsWithoutStep, 1)
  await assert.rejects(
    new LiveHistorySource(pageOf(['[1,2]']), RUN, { from: 0, stop: 3, pageSize: 3 }).read(),
    /is not a JSON object; is the server a W&B API\?/,
  )
  await assert.rejects(
    new LiveHistorySource(
      { request: () => Promise.resolve({ project: { run: null } }) },
      RUN,
      { from: 0, stop: 3, pageSize: 3 },
    ).read(),
    /e\/p\/r1/,
  )
})

test('ExportFileSource.readSlice hands a clean slice over as columns, and leaves any other to read()', async () => {
  const steps = EXPORT_SLICE_ROWS + 50
  await withServedRun({ steps, parquetRowGroupRows: steps }, async ({ transport, run, rows }) => {
    const file = await onlyExport(transport, run)
    const source = new ExportFileSource(file, 3, steps - 10)
    assert.equal(await source.readSlice(-Infinity, 100), undefined, 'a slice reaching past before')
    assert.equal(source.nextStep, 3, 'nothing was read (the rows before minStep are skipped)')
    const first = await source.readSlice(-Infinity, Infinity)
    assert.ok(first)
    assert.deepEqual([first.firstStep, first.lastStep], [3, EXPORT_SLICE_ROWS + 2])
    assert.deepEqual(first.rows(), rows.slice(3, EXPORT_SLICE_ROWS + 3))
    assert.equal(source.nextStep, EXPORT_SLICE_ROWS + 3)
    // the last slice runs past stop: not a slice, but the rows read() gives
    assert.equal(await source.readSlice(first.lastStep, Infinity), undefined)
    assert.deepEqual(await source.read(), rows.slice(EXPORT_SLICE_ROWS + 3, steps - 10))
    assert.equal(source.nextStep, Infinity)
    assert.equal(await source.readSlice(-Infinity, Infinity), undefined, 'nothing after the end')
  })
})

test('ExportFileSource.readSlice refuses a repeated step, or one not above after', async () => {
  const history = [0, 1, 1, 2].map((step) => ({ _step: step, loss: step }))
  for (
    const [label, rows, after] of [
      ['a repeated step', history, -Infinity],
      ['a step not above after', history.slice(2), 1],
    ] as const
  ) {
    const server = await startTestServer()
    try {
      server.addRun({
        entity: 'e',
        project: 'p',
        id: 'r1',
        history: rows,
        parquetStepType: 'DOUBLE',
      })
      const transport = apiFor(server).transport
      const run = { entity: 'e', project: 'p', id: 'r1' }
      const file = await onlyExport(transport, run)
      const source = new ExportFileSource(file, 0, 10)
      assert.equal(await source.readSlice(after, Infinity), undefined, label)
      assert.ok((await source.read()).length > 0, `${label}: the rows are still there`)
    } finally {
      await server.stop()
    }
  }
})

test('ExportFileSource lets go of a decoded group once its last slice is handed out and every slice released', async () => {
  const steps = 2 * EXPORT_SLICE_ROWS + 100
  await withServedRun({ steps, parquetRowGroupRows: steps }, async ({ transport, run, rows }) => {
    const file = await onlyExport(transport, run)
    const source = new ExportFileSource(file, 0, steps)
    columnPool.empty()
    const slices: HistorySlice[] = []
    for (let after = -Infinity;;) {
      const slice = await source.readSlice(after, Infinity)
      if (!slice) break
      slices.push(slice)
      after = slice.lastStep
    }
    assert.deepEqual(slices.map((s) => s.length), [EXPORT_SLICE_ROWS, EXPORT_SLICE_ROWS, 100])
    assert.equal(source.nextStep, Infinity)
    const dense = slices[0].data.filter((c) => c instanceof Float64Array).length
    assert.ok(dense > 0, 'the generated run has dense DOUBLE columns')
    slices[2].release()
    slices[0].release()
    assert.equal(columnPool.bytes, 0, 'a slice still reads the group')
    assert.deepEqual(slices[1].rows(), rows.slice(EXPORT_SLICE_ROWS, 2 * EXPORT_SLICE_ROWS))
    slices[1].release()
    assert.equal(columnPool.bytes, dense * columnPool.sizeFor(steps * 8))
  })
})
