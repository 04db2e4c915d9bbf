import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Row } from '../../src/row.ts'
import { type HistoryScanReport, scanHistory } from '../../src/api/history/mod.ts'
import type { RunSeed } from '../server/run_seed.ts'
import { exportLayout, sampleRows } from '../server/sample_history.ts'
import { startTestServer } from '../server/test_server.ts'
import { collect, graphqlRequests, transportFor } from './_setup.ts'

const RUN = { entity: 'ent', project: 'proj', id: 'run1' }

/** Scans with both strategies and returns the rows and reports. */
async function bothWays(run: RunSeed, pageSize = 16) {
  const server = await startTestServer({ runs: [run] })
  try {
    const transport = transportFor(server)
    const reports: Record<string, HistoryScanReport> = {}
    const parquet = await collect(
      scanHistory(transport, RUN, {
        source: 'parquet',
        pageSize,
        onComplete: (r) => (reports.parquet = r),
      }),
    )
    const graphql = await collect(
      scanHistory(transport, RUN, {
        source: 'graphql',
        pageSize,
        onComplete: (r) => (reports.graphql = r),
      }),
    )
    return { parquet, graphql, reports }
  } finally {
    await server.stop()
  }
}

test('both strategies yield the logged rows exactly: nested dicts, media, lists, NaN and ±Infinity', async () => {
  const rows = sampleRows()
  const { parquet, graphql, reports } = await bothWays({
    ...RUN,
    ...exportLayout(rows, { exported: 45, files: 3 }),
  })
  assert.equal(rows.length, 60)
  assert.deepEqual(parquet, rows)
  assert.deepEqual(graphql, rows)
  assert.ok(Number.isNaN(parquet.find((r) => r._step === 7)?.loss))
  assert.equal(parquet.find((r) => r._step === 14)?.loss, -Infinity)
  assert.deepEqual(parquet.find((r) => r._step === 3)?.dict, { a: 3 })
  assert.deepEqual(parquet.find((r) => r._step === 50)?.img, {
    _type: 'image-file',
    path: 'media/50.png',
  })
  assert.equal(reports.parquet.source, 'parquet')
  assert.equal(reports.parquet.parquetFiles, 3)
  assert.equal(reports.parquet.parquetRows, 45)
  assert.equal(reports.parquet.liveRows, 15)
  assert.equal(reports.parquet.rows, 60)
  assert.equal(reports.parquet.liveFromStep, rows[45]._step)
  assert.equal(reports.graphql.source, 'graphql')
  assert.equal(reports.graphql.parquetRows, 0)
  assert.equal(reports.graphql.liveRows, 60)
})

test('a fully exported run is read from Parquet alone, with no GraphQL history page', async () => {
  const rows = sampleRows()
  const server = await startTestServer({
    runs: [{
      ...RUN,
      ...exportLayout(rows, { files: 2 }),
      parquetStepType: 'DOUBLE',
      parquetStatistics: false,
    }],
  })
  try {
    const transport = transportFor(server)
    let report: HistoryScanReport | undefined
    const got = await collect(scanHistory(transport, RUN, { onComplete: (r) => (report = r) }))
    assert.deepEqual(got, rows)
    assert.deepEqual(await collect(scanHistory(transport, RUN, { keys: [] })), rows)
    assert.equal(report?.source, 'parquet')
    assert.equal(report?.livePages, 0)
    assert.equal(report?.liveFromStep, null)
    assert.equal(graphqlRequests(server).filter((g) => g.operation === 'HistoryPage').length, 0)
  } finally {
    await server.stop()
  }
})

test('auto falls back to GraphQL paging when the run has no exports; parquet then refuses', async () => {
  const rows = sampleRows()
  const server = await startTestServer({ runs: [{ ...RUN, history: rows, parquetExport: false }] })
  try {
    const transport = transportFor(server)
    let report: HistoryScanReport | undefined
    const got = await collect(
      scanHistory(transport, RUN, { pageSize: 7, onComplete: (r) => (report = r) }),
    )
    assert.deepEqual(got, rows)
    assert.equal(report?.source, 'graphql')
    // 70 steps in pages of 7, the empty pages of the gap included: nothing stops early.
    assert.equal(report?.livePages, 10)
    await assert.rejects(
      collect(scanHistory(transport, RUN, { source: 'parquet' })),
      /Cannot scan the history of ent\/proj\/run1 from Parquet exports: the server has no exports/,
    )
  } finally {
    await server.stop()
  }
})

test('the seam step appears exactly once when the live tail overlaps the exports', async () => {
  const rows = sampleRows()
  // The exports hold the first 45 rows (steps 0..54) but liveData claims steps from 50 on.
  const early = rows.filter((r) => (r._step as number) >= 50).map((r) => ({ _step: r._step }))
  const { parquet, reports } = await bothWays({
    ...RUN,
    ...exportLayout(rows, { exported: 45 }),
    liveData: early,
  })
  assert.deepEqual(parquet, rows)
  const steps = parquet.map((r) => r._step)
  assert.equal(new Set(steps).size, steps.length)
  assert.equal(reports.parquet.liveFromStep, 50)
  assert.equal(reports.parquet.mergedDuplicates, 5) // steps 50..54 came from both sides
})

test('rows logged after the export with no liveData reported are still read', async () => {
  const rows = sampleRows()
  const { parquet, reports } = await bothWays({
    ...RUN,
    ...exportLayout(rows, { exported: 40 }),
    liveData: [],
  })
  assert.deepEqual(parquet, rows)
  assert.equal(reports.parquet.liveFromStep, (rows[39]._step as number) + 1)
  assert.equal(reports.parquet.liveRows, 20)
})

test('keys: any keeps rows with one of the keys, all only rows with every key; both strategies agree', async () => {
  const rows = sampleRows()
  const server = await startTestServer({
    runs: [{ ...RUN, ...exportLayout(rows, { exported: 50, files: 2 }) }],
  })
  try {
    const transport = transportFor(server)
    const keys = ['acc', 'val/loss', 'dict.b']
    const pick = (r: Row) => {
      const out: Row = { _step: r._step }
      if (r.acc !== undefined) out.acc = r.acc
      if (r['val/loss'] !== undefined) out['val/loss'] = r['val/loss']
      const b = (r.dict as Row | undefined)?.b
      if (b !== undefined) out['dict.b'] = b
      return out
    }
    const anyRows = rows.map(pick).filter((r) => Object.keys(r).length > 1)
    const allRows = rows.map(pick).filter((r) => Object.keys(r).length === 4)
    assert.equal(anyRows.length, 30) // every even step; val/loss and dict.b fall on even steps only
    assert.deepEqual(allRows.map((r) => r._step), [0, 30, 60])
    for (const source of ['parquet', 'graphql'] as const) {
      const any = await collect(scanHistory(transport, RUN, { keys, source, pageSize: 9 }))
      assert.deepEqual(any, anyRows, `any, ${source}`)
      const all = await collect(
        scanHistory(transport, RUN, { keys, keysMode: 'all', source, pageSize: 9 }),
      )
      assert.deepEqual(all, allRows, `all, ${source}`)
    }
  } finally {
    await server.stop()
  }
})

test('minStep is inclusive, maxStep exclusive and clamped to lastHistoryStep + 1', async () => {
  const rows = sampleRows()
  const server = await startTestServer({
    runs: [{ ...RUN, ...exportLayout(rows, { exported: 30 }) }],
  })
  try {
    const transport = transportFor(server)
    for (const source of ['parquet', 'graphql'] as const) {
      const got = await collect(
        scanHistory(transport, RUN, { minStep: 15, maxStep: 42, source, pageSize: 5 }),
      )
      assert.deepEqual(
        got,
        rows.filter((r) => (r._step as number) >= 15 && (r._step as number) < 42),
      )
      const clamped = await collect(
        scanHistory(transport, RUN, { minStep: 60, maxStep: 10_000, source }),
      )
      assert.deepEqual(clamped.map((r) => r._step), [60, 61, 62, 63, 64, 65, 66, 67, 68, 69])
    }
    const pages = graphqlRequests(server).filter((g) => g.operation === 'HistoryPage')
    assert.ok(pages.every((g) => (g.variables?.maxStep as number) <= 70))
  } finally {
    await server.stop()
  }
})

test('keys that never had a value are reported once at the end', async () => {
  const rows = sampleRows()
  const server = await startTestServer({
    runs: [{ ...RUN, ...exportLayout(rows, { exported: 50 }) }],
  })
  try {
    const transport = transportFor(server)
    for (const source of ['parquet', 'graphql'] as const) {
      const calls: string[][] = []
      let report: HistoryScanReport | undefined
      const got = await collect(scanHistory(transport, RUN, {
        keys: ['note', 'nope', 'dict.c'],
        source,
        onMissingKeys: (k) => calls.push(k),
        onComplete: (r) => (report = r),
      }))
      assert.deepEqual(got.map((r) => r._step), [0, 11, 33, 44, 55, 66])
      assert.deepEqual(calls, [['nope', 'dict.c']])
      assert.deepEqual(report?.missingKeys, ['nope', 'dict.c'])
    }
  } finally {
    await server.stop()
  }
})

test('bad options fail at the call with TypeError or RangeError', () => {
  const transport = { request: () => Promise.reject(new Error('unused')) }
  assert.throws(() => scanHistory(transport, RUN, { keys: 'loss' as never }), TypeError)
  assert.throws(() => scanHistory(transport, RUN, { keysMode: 'some' as never }), TypeError)
  assert.throws(() => scanHistory(transport, RUN, { source: 'files' as never }), TypeError)
  assert.throws(() => scanHistory(transport, RUN, { pageSize: 0 }), RangeError)
  assert.throws(() => scanHistory(transport, RUN, { minStep: -1 }), RangeError)
  assert.throws(() => scanHistory(transport, RUN, { prefetch: 1.5 }), RangeError)
  assert.throws(() => scanHistory(transport, RUN, { lastHistoryStep: -2 }), RangeError)
  assert.throws(() => scanHistory(transport, RUN, { exportTailBytes: 4 }), RangeError)
})

test('a known lastHistoryStep (from a listing) saves the RunHistoryKeys request and bounds the scan', async () => {
  const rows = sampleRows()
  const server = await startTestServer({
    runs: [{ ...RUN, ...exportLayout(rows, { exported: 45, files: 2 }) }],
  })
  try {
    const transport = transportFor(server)
    const last = rows[rows.length - 1]._step as number
    const got = await collect(scanHistory(transport, RUN, { lastHistoryStep: last }))
    assert.deepEqual(got, rows)
    const operations = () => graphqlRequests(server).map((g) => g.operation)
    assert.deepEqual(operations(), ['RunParquetHistory', 'HistoryPage'])
    const before = rows[40]._step as number
    const cut = await collect(scanHistory(transport, RUN, { lastHistoryStep: before }))
    assert.deepEqual(cut, rows.filter((r) => (r._step as number) <= before))
    const none = await collect(scanHistory(transport, RUN, { lastHistoryStep: -1 }))
    assert.deepEqual(none, [])
    assert.ok(!operations().includes('RunHistoryKeys'))
  } finally {
    await server.stop()
  }
})

test('an unknown run fails with a message naming it', async () => {
  const server = await startTestServer({ runs: [{ ...RUN, ...exportLayout(sampleRows()) }] })
  try {
    const other = { ...RUN, id: 'nope' }
    await assert.rejects(
      collect(scanHistory(transportFor(server), other, { source: 'graphql' })),
      /no run ent\/proj\/nope/,
    )
  } finally {
    await server.stop()
  }
})
