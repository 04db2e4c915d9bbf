import { test } from 'node:test'
import assert from 'node:assert/strict'
import { type HistoryScanReport, scanHistory } from '../../../src/api/history/scan_history.ts'
import { rowsOf, withServedRun } from './_served_run.ts'

test('scanHistory reads exports plus the live tail, and GraphQL pages, to the same rows', async () => {
  await withServedRun(
    { steps: 30, liveTail: 5, parquetFileRows: 8, parquetRowGroupRows: 4 },
    async ({ transport, run, rows }) => {
      const reports: HistoryScanReport[] = []
      const parquet = await rowsOf(
        scanHistory(transport, run, { source: 'parquet', onComplete: (r) => reports.push(r) }),
      )
      const graphql = await rowsOf(
        scanHistory(transport, run, {
          source: 'graphql',
          pageSize: 7,
          onComplete: (r) => reports.push(r),
        }),
      )
      assert.equal(rows.length, 30)
      assert.deepEqual(parquet, rows)
      assert.deepEqual(graphql, rows)
      assert.deepEqual(
        reports.map((r) => [r.run, r.source, r.rows, r.parquetRows, r.liveRows]),
        [['e/p/r1', 'parquet', 30, 25, 5], ['e/p/r1', 'graphql', 30, 0, 30]],
      )
      assert.equal(reports[0].parquetFiles, 4, '25 exported rows at 8 per file')
      assert.equal(reports[0].liveFromStep, 25)
    },
  )
})

test('auto reads a run without exports through GraphQL; parquet then refuses', async () => {
  await withServedRun({ steps: 12, parquetExport: false }, async ({ transport, run, rows }) => {
    let report: HistoryScanReport | undefined
    assert.deepEqual(
      await rowsOf(scanHistory(transport, run, { onComplete: (r) => (report = r) })),
      rows,
    )
    assert.equal(report?.source, 'graphql')
    await assert.rejects(rowsOf(scanHistory(transport, run, { source: 'parquet' })), /export/i)
  })
})

test('a step window and keys select rows; a never-seen key is reported', async () => {
  await withServedRun({ steps: 20, liveTail: 4 }, async ({ transport, run, rows }) => {
    const missing: string[][] = []
    let report: HistoryScanReport | undefined
    const got = await rowsOf(
      scanHistory(transport, run, {
        minStep: 5,
        maxStep: 18,
        keys: ['loss', 'nope'],
        onMissingKeys: (keys) => missing.push(keys),
        onComplete: (r) => (report = r),
      }),
    )
    const expected = rows
      .filter((r) => (r._step as number) >= 5 && (r._step as number) < 18)
      .map((r) => ({ _step: r._step, loss: r.loss }))
    assert.deepEqual(got, expected)
    assert.deepEqual(missing, [['nope']])
    assert.deepEqual(report?.missingKeys, ['nope'])
    // maxStep past the end is clamped
    assert.equal(
      (await rowsOf(scanHistory(transport, run, { minStep: 15, maxStep: 1e6 }))).length,
      5,
    )
  })
})

test('bad options fail at the call with the option and value named', () => {
  const transport = { request: () => Promise.reject(new Error('never called')) }
  const run = { entity: 'e', project: 'p', id: 'r1' }
  assert.throws(
    () => scanHistory(transport, run, { pageSize: 0 }),
    /pageSize must be an integer ≥ 1, got 0/,
  )
  assert.throws(() => scanHistory(transport, run, { minStep: -1 }), RangeError)
  assert.throws(
    () => scanHistory(transport, run, { source: 'csv' as 'auto' }),
    /source must be 'auto', 'parquet' or 'graphql', got 'csv'/,
  )
  assert.throws(
    () => scanHistory(transport, run, { onShortfall: 'ignore' as 'error' }),
    /onShortfall must be 'error' or 'report'/,
  )
})

test('an aborted scan errors with the signal reason', async () => {
  await withServedRun({ steps: 50, parquetExport: false }, async ({ transport, run }) => {
    const controller = new AbortController()
    const reader = scanHistory(transport, run, { pageSize: 10, signal: controller.signal })
      .getReader()
    assert.equal((await reader.read()).value?.length, 10)
    controller.abort(new Error('stop here'))
    await assert.rejects(reader.read(), /stop here/)
  })
})
