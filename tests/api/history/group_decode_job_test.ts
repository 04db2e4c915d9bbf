import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { type AsyncBuffer, parquetMetadata, parquetSchema } from 'hyparquet'
import { decodeColumns, type DecodedGroup } from '../../../src/api/history/decode_group.ts'
import {
  DECODE_TASK,
  decodeGroupTask,
  decodeOnThreads,
  type DecodeThreads,
} from '../../../src/api/history/group_decode_job.ts'
import { columnPool } from '../../../src/api/history/decoded_columns.ts'
import { columnSpan } from '../../../src/api/history/read_ahead.ts'
import { ParquetExportFile } from '../../../src/api/history/parquet_export_file.ts'
import { fetchParquetExports } from '../../../src/api/history/parquet_exports.ts'
import { rowsOfGroup } from '../../../src/api/history/decode_group.ts'
import { ParquetWorkers } from '../../../src/export/parquet_workers.ts'
import type { Row } from '../../../src/row.ts'
import { withServedRun } from './_served_run.ts'

const ROWS = 4000

/** Two row groups of every kind of column an export holds: INT64 steps, dense and sparse doubles, FLOAT, text, booleans, JSON. */
function sampleFile() {
  const columnData = [
    {
      name: '_step',
      data: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)),
      type: 'INT64',
    },
    { name: 'loss', data: Array.from({ length: ROWS }, (_, i) => 1 / (i + 1)), type: 'DOUBLE' },
    {
      name: 'acc',
      data: Array.from(
        { length: ROWS },
        (_, i) =>
          i % 3 ? null : i % 7 === 0 ? NaN : i % 11 === 0 ? -0 : i % 13 === 0 ? -Infinity : i / 3,
      ),
      type: 'DOUBLE',
    },
    {
      name: 'f32',
      data: Array.from({ length: ROWS }, (_, i) => i % 2 ? null : Math.fround(i / 5)),
      type: 'FLOAT',
    },
    {
      name: 'phase',
      data: Array.from({ length: ROWS }, (_, i) => i % 5 ? null : i % 10 ? 'eval' : 'train'),
      type: 'STRING',
    },
    {
      name: 'done',
      data: Array.from({ length: ROWS }, (_, i) => i % 4 ? null : i % 8 === 0),
      type: 'BOOLEAN',
    },
    {
      name: 'media',
      data: Array.from(
        { length: ROWS },
        (_, i) => i % 100 ? null : { _type: 'image-file', path: `m${i}.png`, size: [i, 2] },
      ),
      type: 'JSON',
    },
  ]
  const bytes = parquetWriteBuffer({
    // deno-lint-ignore no-explicit-any
    columnData: columnData as any,
    rowGroupSize: [ROWS / 2, ROWS / 2],
    codec: 'SNAPPY',
  })
  const metadata = parquetMetadata(bytes)
  const names = parquetSchema(metadata).children.map((c) => c.element.name)
  const file: AsyncBuffer = { byteLength: bytes.byteLength, slice: (s, e) => bytes.slice(s, e) }
  return { bytes, metadata, names, file }
}

/** Threads that run the task here, with the payload and answer moved through structured clone as postMessage would. */
function clonedThreads(): DecodeThreads & { payloads: { giveBack: ArrayBuffer[] }[] } {
  const payloads: { giveBack: ArrayBuffer[] }[] = []
  return {
    payloads,
    call(task, payload, transfer = []) {
      assert.equal(task, DECODE_TASK)
      const moved = structuredClone(payload, { transfer }) as { giveBack: ArrayBuffer[] }
      payloads.push(moved)
      return decodeGroupTask(moved).then(({ value, transfer }) =>
        structuredClone(value, { transfer })
      )
    },
  }
}

/** Each column as its constructor's name and its cells. */
function cellsOf(group: DecodedGroup): [string, string, unknown[]][] {
  return group.names.map((name, c) => {
    const data = group.data[c]
    return [name, data.constructor.name, Array.from(data)]
  })
}

test('a row group decoded on another thread has the columns decodeColumns gives here', async () => {
  const { metadata, names, file, bytes } = sampleFile()
  const threads = clonedThreads()
  let rowStart = 0
  for (const [index, rowGroup] of metadata.row_groups.entries()) {
    const rowEnd = rowStart + Number(rowGroup.num_rows)
    const here = await decodeColumns({ file, metadata, names }, rowStart, rowEnd, names)
    const span = columnSpan(rowGroup, names)!
    const spanBytes = bytes.slice(span[0], span[1])
    const there = await decodeOnThreads(
      threads,
      { metadata, names, byteLength: bytes.byteLength },
      index,
      span[0],
      spanBytes,
      names,
    )
    assert.equal(spanBytes.byteLength, 0, 'the bytes moved to the thread, not copied')
    assert.equal(there.length, rowEnd - rowStart)
    assert.deepEqual(cellsOf(there), cellsOf(here))
    // The dense DOUBLE column came back in the worker's pooled memory, leased.
    assert.ok(there.data[names.indexOf('loss')] instanceof Float64Array)
    assert.ok((there.lease?.buffers.length ?? 0) > 0, 'its pooled buffers are leased')
    there.lease?.letGo()
    here.lease?.letGo()
    rowStart = rowEnd
  }
  // Each lease's buffers went back to the threads with the next job.
  const [first] = metadata.row_groups
  const span = columnSpan(first, names)!
  const again = await decodeOnThreads(
    threads,
    { metadata, names, byteLength: bytes.byteLength },
    0,
    span[0],
    bytes.slice(span[0], span[1]),
    ['_step', 'loss'],
  )
  assert.deepEqual(again.names, ['_step', 'loss'])
  assert.ok(threads.payloads[1].giveBack.length > 0, 'the first group went back with the second')
  assert.ok(threads.payloads[2].giveBack.length > 0, 'the second group went back with the third')
  again.lease?.letGo()
  columnPool.empty()
})

test('with no thread left a group is decoded here from the bytes it was given', async () => {
  const { metadata, names, file, bytes } = sampleFile()
  const none: DecodeThreads = { call: () => undefined }
  const rowGroup = metadata.row_groups[1]
  const span = columnSpan(rowGroup, names)!
  const start = Number(metadata.row_groups[0].num_rows)
  const here = await decodeColumns({ file, metadata, names }, start, ROWS, names)
  const there = await decodeOnThreads(
    none,
    { metadata, names, byteLength: bytes.byteLength },
    1,
    span[0],
    bytes.slice(span[0], span[1]),
    names,
  )
  assert.deepEqual(cellsOf(there), cellsOf(here))
  there.lease?.letGo()
  here.lease?.letGo()
  // A column outside the bytes sent is a clear error, not a read of other memory.
  await assert.rejects(
    decodeOnThreads(
      none,
      { metadata, names, byteLength: bytes.byteLength },
      1,
      span[0] + 8,
      bytes.slice(span[0] + 8, span[1]),
      names,
    ),
    /Cannot read bytes \d+-\d+ of a row group sent as bytes \d+-\d+/,
  )
})

test('export files read through a real worker thread give the rows of the run', async () => {
  const workers = await ParquetWorkers.start(1, {
    entry: new URL('../../../src/bulk/export_worker.ts', import.meta.url),
  })
  try {
    await withServedRun(
      {
        steps: 300,
        parquetFileRows: 130,
        parquetRowGroupRows: 50,
        sparseEvery: 3,
        nonFiniteEvery: 7,
      },
      async (served) => {
        const { urls } = await fetchParquetExports(served.transport, served.run)
        const files = await Promise.all(
          urls.map((url, i) =>
            ParquetExportFile.open(url, `${i + 1} of ${urls.length}`, { decodeThreads: workers })
          ),
        )
        files.sort((a, b) => a.groups[0].minStep - b.groups[0].minStep)
        const rows: Row[] = []
        let groups = 0
        for (const file of files) {
          for (const [i, group] of file.groups.entries()) {
            // As a step source reads: this group's read starts, then the next one is prefetched.
            const reading = file.readGroupColumns(group)
            if (file.groups[i + 1]) file.prefetch(file.groups[i + 1])
            rows.push(...rowsOfGroup(await reading))
            groups++
          }
        }
        assert.deepEqual(rows, served.rows)
        assert.equal(groups, 7)
        // A prefetched group was decoded ahead, and its read took that decode instead of another.
        assert.equal(workers.tasks, groups, 'every group was decoded on the worker, once')
        assert.equal(workers.groups, 0, 'and nothing was encoded')
      },
    )
  } finally {
    await workers.close()
  }
})
