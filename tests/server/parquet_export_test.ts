import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  asyncBufferFromUrl,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from 'hyparquet'
import { RUN_PARQUET_HISTORY_QUERY } from '../../src/api/queries.ts'
import type { Row } from '../../src/row.ts'
import { generateRun } from './generate_run.ts'
import { flattenRow, type HistoryTable } from './history_table.ts'
import { startTestServer, type TestServer } from './test_server.ts'
import type { RunSeed } from './run_seed.ts'
import { gqlData } from './_client.ts'

const GEN = generateRun({
  entity: 'e',
  project: 'p',
  id: 'x1',
  steps: 100,
  nonFiniteEvery: 10,
  sparseEvery: 4,
  nested: true,
  liveTail: 7,
  parquetFileRows: 30,
  parquetRowGroupRows: 10,
})
const TABLE = GEN.history as HistoryTable

async function withServer(
  runs: RunSeed[],
  fn: (s: TestServer) => Promise<void>,
  shuffle = false,
): Promise<void> {
  const server = await startTestServer({ runs, shuffleParquetUrls: shuffle })
  try {
    await fn(server)
  } finally {
    await server.stop()
  }
}

async function exportOf(
  s: TestServer,
  id: string,
): Promise<{ parquetUrls: string[]; liveData: Row[] }> {
  const vars = { entity: 'e', project: 'p', runName: id, liveKeys: ['_step'] }
  return (await gqlData(s, RUN_PARQUET_HISTORY_QUERY.document, vars)).project.run.parquetHistory
}

/** What a Parquet row should hold: every column, null where the step did not log the key. */
function expectedRow(step: number, columns: string[]): Row {
  const flat = flattenRow(TABLE.rowAt(step))
  return Object.fromEntries(columns.map((c) => [c, c === '_step' ? BigInt(step) : flat[c] ?? null]))
}

test('parquetHistory: partition files sorted by _step hold every exported row; liveData holds the tail', async () => {
  await withServer([GEN], async (s) => {
    const { parquetUrls, liveData } = await exportOf(s, 'x1')
    assert.equal(parquetUrls.length, 4)
    assert.deepEqual(liveData, [93, 94, 95, 96, 97, 98, 99].map((step) => ({ _step: step })))
    const rows: Row[] = []
    const sizes: number[] = []
    for (const url of parquetUrls) {
      assert.ok(url.startsWith(s.filesOrigin + '/'), url)
      const file = await asyncBufferFromUrl({ url })
      const part = await parquetReadObjects({ file })
      sizes.push(part.length)
      const steps = part.map((r) => Number(r._step))
      assert.deepEqual(steps, [...steps].sort((a, b) => a - b), 'each file is sorted by _step')
      rows.push(...part)
    }
    assert.deepEqual(sizes, [30, 30, 30, 3])
    const columns = Object.keys(rows[0])
    assert.deepEqual(columns, [
      '_step',
      '_runtime',
      '_timestamp',
      'loss',
      'acc',
      'lr',
      'eval.score',
      'eval.count',
    ])
    assert.equal(rows.length, 93)
    rows.forEach((row, step) => assert.deepEqual(row, expectedRow(step, columns), `step ${step}`))
    assert.ok(Number.isNaN(rows[9].loss as number), 'NaN survives in a DOUBLE column')
    assert.equal(rows[19].loss, Infinity)
    assert.equal(rows[1].acc, null, 'a step that did not log a key holds null')
  })
})

test('exports are typed (INT64 step, DOUBLE, BOOLEAN, STRING) with row groups of the configured size', async () => {
  const seed: RunSeed = {
    entity: 'e',
    project: 'p',
    id: 'typed',
    parquetRowGroupRows: 2,
    history: [
      { _step: 0, v: 1, ok: true, tag: 'a', mixed: 1, img: { _type: 'image-file', path: 'x.png' } },
      { _step: 1, v: 2.5, ok: false, tag: 'b', mixed: 'two' },
      { _step: 2, v: null, ok: true, tag: 'c', mixed: [1, NaN] },
    ],
  }
  await withServer([seed], async (s) => {
    const { parquetUrls, liveData } = await exportOf(s, 'typed')
    assert.deepEqual(liveData, [])
    const file = await asyncBufferFromUrl({ url: parquetUrls[0] })
    const metadata = await parquetMetadataAsync(file)
    const types = Object.fromEntries(
      parquetSchema(metadata).children.map((c) => [c.element.name, c.element.type]),
    )
    assert.deepEqual(types, {
      _step: 'INT64',
      v: 'DOUBLE',
      ok: 'BOOLEAN',
      tag: 'BYTE_ARRAY',
      mixed: 'BYTE_ARRAY',
      img: 'BYTE_ARRAY',
    })
    assert.deepEqual(metadata.row_groups.map((g) => Number(g.num_rows)), [2, 1])
    const rows = await parquetReadObjects({ file })
    assert.deepEqual(rows.map((r) => r.mixed), ['1', 'two', '[1,NaN]'])
    assert.equal(rows[0].img, '{"_type":"image-file","path":"x.png"}')
    assert.deepEqual(rows.map((r) => r.v), [1, 2.5, null])
  })
})

test('range reads with column projection fetch only byte ranges, with no credentials', async () => {
  await withServer([GEN], async (s) => {
    const { parquetUrls } = await exportOf(s, 'x1')
    const before = s.requests.length
    const file = await asyncBufferFromUrl({ url: parquetUrls[1] })
    const rows = await parquetReadObjects({ file, columns: ['_step', 'loss'] })
    assert.deepEqual(rows.map((r) => Number(r._step)), Array.from({ length: 30 }, (_, i) => 30 + i))
    const log = s.requests.slice(before)
    assert.equal(log[0].method, 'HEAD')
    assert.equal(log[0].status, 200)
    const gets = log.filter((r) => r.method === 'GET')
    assert.ok(
      gets.length >= 2 &&
        gets.every((r) => r.status === 206 && /^bytes=\d+-\d+$/.test(r.headers.range)),
    )
    assert.ok(log.every((r) => r.origin === 'files' && r.headers.authorization === undefined))
  })
})

test('a run the backend never exported has neither URLs nor live data; a tail longer than the run is all live', async () => {
  const never = generateRun({
    entity: 'e',
    project: 'p',
    id: 'never',
    steps: 5,
    parquetExport: false,
  })
  const allLive = generateRun({ entity: 'e', project: 'p', id: 'live', steps: 3, liveTail: 10 })
  await withServer([never, allLive], async (s) => {
    assert.deepEqual(await exportOf(s, 'never'), { parquetUrls: [], liveData: [] })
    assert.deepEqual(await exportOf(s, 'live'), {
      parquetUrls: [],
      liveData: [{ _step: 0 }, { _step: 1 }, { _step: 2 }],
    })
  })
})

test('parquetUrls may come back in any order when shuffling is on, always the same set', async () => {
  await withServer([GEN], async (s) => {
    const a = (await exportOf(s, 'x1')).parquetUrls.map((u) => new URL(u).pathname)
    const b = (await exportOf(s, 'x1')).parquetUrls.map((u) => new URL(u).pathname)
    const sorted = [...a].sort()
    assert.deepEqual([...b].sort(), sorted)
    assert.ok(
      a.join() !== sorted.join() || b.join() !== sorted.join(),
      'at least one answer is out of order',
    )
  }, true)
})

test('export shape options: _step as DOUBLE, no column statistics, whole or streamed, same bytes as exportFiles', async () => {
  const base = { entity: 'e', project: 'p', parquetRowGroupRows: 2 }
  const history = [{ _step: 0, v: 1 }, { _step: 1, v: 2 }, { _step: 2, v: 3 }]
  const shaped = {
    ...base,
    history,
    parquetStepType: 'DOUBLE' as const,
    parquetStatistics: false,
  }
  const runs: RunSeed[] = [
    { ...base, id: 'plain', history },
    { ...shaped, id: 'shaped' },
    { ...shaped, id: 'streamed', streamExport: true },
  ]
  await withServer(runs, async (s) => {
    for (const id of ['plain', 'shaped', 'streamed']) {
      const { parquetUrls } = await exportOf(s, id)
      const served = new Uint8Array(await (await fetch(parquetUrls[0])).arrayBuffer())
      assert.deepEqual(served, s.exportFiles('e', 'p', id)[0], `${id}: exportFiles = served bytes`)
      const file = await asyncBufferFromUrl({ url: parquetUrls[0] })
      const metadata = await parquetMetadataAsync(file)
      const step = parquetSchema(metadata).children.find((c) => c.element.name === '_step')
      const stats = metadata.row_groups[0].columns[0].meta_data?.statistics
      const rows = await parquetReadObjects({ file })
      if (id === 'plain') {
        assert.equal(step?.element.type, 'INT64')
        assert.equal(stats?.max_value, 1n)
        assert.deepEqual(rows.map((r) => r._step), [0n, 1n, 2n])
      } else {
        assert.equal(step?.element.type, 'DOUBLE', id)
        assert.equal(stats, undefined, `${id}: no statistics`)
        assert.deepEqual(rows.map((r) => r._step), [0, 1, 2], id)
      }
    }
    assert.throws(() => s.exportFiles('e', 'p', 'nope'), /test server has no run e\/p\/nope/)
  })
})

test('a liveData override is answered as given, whatever the export holds', async () => {
  const stale = [{ _step: 1 }, { _step: 2 }]
  const seed: RunSeed = {
    entity: 'e',
    project: 'p',
    id: 'stale',
    history: [{ _step: 0, v: 1 }, { _step: 1, v: 2 }, { _step: 2, v: 3 }],
    liveTail: 1,
    liveData: stale,
  }
  await withServer([seed], async (s) => {
    const { parquetUrls, liveData } = await exportOf(s, 'stale')
    assert.equal(parquetUrls.length, 1)
    assert.deepEqual(liveData, stale)
    const rows = await parquetReadObjects({
      file: await asyncBufferFromUrl({ url: parquetUrls[0] }),
    })
    assert.deepEqual(rows.map((r) => Number(r._step)), [0, 1], 'the export still ends at step 1')
  })
})
