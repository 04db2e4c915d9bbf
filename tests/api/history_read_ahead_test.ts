import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Row } from '../../src/row.ts'
import { scanHistory } from '../../src/api/history/mod.ts'
import { columnSpan, ReadAheadBuffer } from '../../src/api/history/read_ahead.ts'
import { LiveHistorySource } from '../../src/api/history/step_sources.ts'
import { exportLayout } from '../server/sample_history.ts'
import { startTestServer } from '../server/test_server.ts'
import { collect, fileRequests, footerOnly, graphqlRequests, transportFor } from './_setup.ts'

const RUN = { entity: 'ent', project: 'proj', id: 'run1' }

/** An in-memory AsyncBuffer of bytes 0..n-1 (mod 256) that logs every slice and can fail some. */
function fakeFile(n: number, failFirst = 0) {
  const calls: [number, number][] = []
  let failures = failFirst
  return {
    calls,
    file: {
      byteLength: n,
      slice(start: number, end: number = n): Promise<ArrayBuffer> {
        calls.push([start, end])
        if (failures > 0) {
          failures--
          return Promise.reject(new Error('connection reset'))
        }
        const bytes = new Uint8Array(end - start).map((_, i) => (start + i) % 256)
        return Promise.resolve(bytes.buffer)
      },
    },
  }
}

test('ReadAheadBuffer serves slices inside a span fetched ahead without another read', async () => {
  const { file, calls } = fakeFile(1000)
  const buffer = new ReadAheadBuffer(file)
  buffer.fetchAhead(100, 300)
  buffer.fetchAhead(150, 250) // covered: no second request
  await Promise.resolve()
  assert.deepEqual(calls, [[100, 300]])
  const inner = new Uint8Array(await buffer.slice(120, 124))
  assert.deepEqual([...inner], [120, 121, 122, 123])
  assert.equal((await buffer.slice(100, 300)).byteLength, 200)
  assert.deepEqual(calls, [[100, 300]], 'both slices came from the span')
  await buffer.slice(290, 310) // not covered: read directly
  assert.deepEqual(calls.at(-1), [290, 310])
  buffer.release(100, 300)
  assert.equal(buffer.held, 0)
  await buffer.slice(120, 124)
  assert.deepEqual(calls.at(-1), [120, 124], 'a released span is read again')
})

test('ReadAheadBuffer holds at most `limit` spans and reads again after a failed read-ahead', async () => {
  const { file, calls } = fakeFile(1000, 1)
  const buffer = new ReadAheadBuffer(file, 2)
  buffer.fetchAhead(0, 10) // this request fails
  buffer.fetchAhead(10, 20)
  buffer.fetchAhead(20, 30)
  assert.equal(buffer.held, 2, 'the oldest span was dropped')
  assert.equal(new Uint8Array(await buffer.slice(10, 20))[0], 10)
  const { file: failing, calls: failingCalls } = fakeFile(100, 1)
  const retried = new ReadAheadBuffer(failing)
  retried.fetchAhead(0, 50)
  assert.deepEqual([...new Uint8Array(await retried.slice(5, 8))], [5, 6, 7])
  assert.deepEqual(failingCalls, [[0, 50], [5, 8]], 'the failed span was read again directly')
  assert.ok(calls.length >= 3)
  assert.throws(() => new ReadAheadBuffer(file, 0), RangeError)
})

test('columnSpan covers the chosen chunks, and refuses a span that is mostly other columns', () => {
  const chunk = (name: string, offset: number, size: number) => ({
    meta_data: {
      path_in_schema: [name],
      data_page_offset: BigInt(offset),
      total_compressed_size: BigInt(size),
    },
  })
  const group = { columns: [chunk('_step', 4, 100), chunk('a', 104, 100), chunk('b', 204, 1000)] }
  assert.deepEqual(columnSpan(group, ['_step', 'a', 'b']), [4, 1204])
  assert.deepEqual(columnSpan(group, ['_step', 'a']), [4, 204])
  assert.deepEqual(columnSpan(group, ['_step', 'x']), [4, 104])
  assert.equal(
    columnSpan({ columns: [chunk('_step', 4, 10), chunk('a', 14, 100), chunk('b', 114, 10)] }, [
      '_step',
      'b',
    ]),
    undefined,
  )
  assert.equal(columnSpan(group, ['nothing']), undefined)
})

/** Dense rows 0..count-1 with two metrics. */
function denseRows(count: number): Row[] {
  return Array.from(
    { length: count },
    (_, step) => ({ _step: step, loss: step / 10, acc: step % 7 }),
  )
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('a scan reads each row group once; with prefetch 1 the next one is requested, not decoded', async () => {
  const rows = denseRows(64)
  const server = await startTestServer({
    runs: [{ ...RUN, ...exportLayout(rows, { rowGroupRows: 8 }) }],
  })
  try {
    const transport = transportFor(server)
    const files = () => fileRequests(server)
    // The first read holds the footer only, so each group is one more read.
    const exportTailBytes = footerOnly(server.exportFiles(RUN.entity, RUN.project, RUN.id)[0])
    assert.deepEqual(await collect(scanHistory(transport, RUN, { exportTailBytes })), rows)
    const ranged = files().filter((f) => f.method === 'GET').map((f) => f.headers.range)
    assert.equal(new Set(ranged).size, ranged.length, `a range read twice: ${ranged.join(' ')}`)
    assert.equal(ranged.length, 1 + 8, `one footer read and one read per group: ${ranged}`)

    const gets = (from: number) => files().slice(from).filter((f) => f.method === 'GET').length
    const h1 = files().length
    const ahead = scanHistory(transport, RUN, { prefetch: 1, exportTailBytes }).getReader()
    assert.deepEqual((await ahead.read()).value?.map((r) => r._step), [0, 1, 2, 3, 4, 5, 6, 7])
    await pause(50)
    assert.equal(gets(h1), 3, 'footer, group 0, and group 1 requested while group 0 decoded')
    assert.equal((await ahead.read()).value?.[0]._step, 8)
    await pause(50)
    assert.equal(gets(h1), 4, 'group 1 came from memory; group 2 requested')
    await ahead.cancel()

    const h0 = files().length
    const reader = scanHistory(transport, RUN, { prefetch: 0, exportTailBytes }).getReader()
    assert.equal((await reader.read()).value?.length, 8)
    await pause(50)
    assert.equal(gets(h0), 2, 'prefetch 0: footer and group 0 only')
    assert.equal((await reader.read()).value?.length, 8)
    await pause(50)
    assert.equal(gets(h0), 3, 'prefetch 0: one group read per pull, none ahead')
    await reader.cancel()
  } finally {
    await server.stop()
  }
})

test('GraphQL pages: the next page is requested with the current one, and read once', async () => {
  const rows = denseRows(50)
  const server = await startTestServer({ runs: [{ ...RUN, history: rows, parquetExport: false }] })
  try {
    const transport = transportFor(server)
    const pages = () =>
      graphqlRequests(server).filter((g) => g.operation === 'HistoryPage').map((g) =>
        g.variables?.minStep
      )
    const reader = scanHistory(transport, RUN, { pageSize: 10 }).getReader()
    assert.equal((await reader.read()).value?.length, 10)
    await pause(50)
    assert.deepEqual(pages(), [0, 10], 'page 10 requested while page 0 was parsed')
    const rest: Row[] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest.push(...value)
    }
    assert.equal(rest.length, 40)
    // A page and the next one may be in flight together, so the server may log them either way.
    assert.deepEqual(
      pages().toSorted((a, b) => Number(a) - Number(b)),
      [0, 10, 20, 30, 40],
      'each page requested exactly once',
    )

    const before = pages().length
    const source = new LiveHistorySource(transport, RUN, { from: 0, stop: 50, pageSize: 25 })
    assert.equal((await source.read()).length, 25)
    assert.deepEqual(pages().slice(before), [0, 25], 'one read sent its page and the next')
    const alone = new LiveHistorySource(transport, RUN, {
      from: 0,
      stop: 50,
      pageSize: 25,
      readAhead: false,
    })
    assert.equal((await alone.read()).length, 25)
    assert.deepEqual(pages().slice(before + 2), [0], 'without readAhead only its own page')
  } finally {
    await server.stop()
  }
})
