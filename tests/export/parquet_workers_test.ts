import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parquetReadObjects } from 'hyparquet'
import { Buffer } from 'node:buffer'
import { type ParquetInternalOptions, toParquet } from '../../src/export/parquet.ts'
import type { GroupSetup } from '../../src/export/parquet_row_group.ts'
import { ParquetWorkers } from '../../src/export/parquet_workers.ts'
import { spoolDecompressors } from '../../src/export/parquet_codec.ts'
import { emptyPool, pooledBytes } from '../../src/export/buffer_pool.ts'
import type { Row } from '../../src/row.ts'

/** Rows with ints, floats (with nulls, NaN and ±Infinity), strings, booleans and JSON. */
function sampleRows(n: number, seed: number): Row[] {
  const rows: Row[] = []
  let x = seed
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648
  for (let i = 0; i < n; i++) {
    const row: Row = { _step: i, loss: next(), acc: i % 7 === 0 ? null : next() * 100 }
    row.epoch = Math.floor(i / 100)
    row.phase = i % 3 === 0 ? 'train' : 'eval'
    row.flag = i % 2 === 0
    row.hist = { _type: 'histogram', values: [i, i + 1] }
    row.odd = i === 5 ? NaN : i === 6 ? Infinity : i === 7 ? -Infinity : i
    rows.push(row)
  }
  return rows
}

const TYPES = {
  _step: 'int',
  loss: 'double',
  acc: 'double',
  epoch: 'int',
  phase: 'string',
  flag: 'bool',
  hist: 'json',
  odd: 'double',
} as const

/** The setup of a file with one optional DOUBLE column `x`. */
function doubleColumnSetup(codec: 'SNAPPY' | 'ZSTD'): GroupSetup {
  return {
    schema: [{ name: 'root', num_children: 1 }, {
      name: 'x',
      type: 'DOUBLE',
      repetition_type: 'OPTIONAL',
    }],
    codec,
    compressors: {},
    statistics: true,
  }
}

/** Writes rows in batches through a Parquet exporter, returning the file's bytes. */
async function write(
  rows: Row[],
  codec: 'snappy' | 'zstd',
  workers?: ParquetWorkers,
): Promise<Uint8Array> {
  const options: ParquetInternalOptions = {
    columns: Object.keys(TYPES),
    types: { ...TYPES },
    codec,
    rowGroupSize: 1000,
    flatten: false,
    workers,
  }
  const stream = toParquet(options)
  const chunks: Uint8Array[] = []
  const reading = (async () => {
    for await (const chunk of stream.readable) chunks.push(chunk)
  })()
  reading.catch(() => {}) // awaited below; a failed write rejects first
  const writer = stream.writable.getWriter()
  for (let i = 0; i < rows.length; i += 700) await writer.write(rows.slice(i, i + 700))
  await writer.close()
  await reading
  return new Uint8Array(Buffer.concat(chunks))
}

test('row groups encoded on worker threads give the same bytes as the main thread', async () => {
  const workers = await ParquetWorkers.start(2)
  try {
    for (const codec of ['snappy', 'zstd'] as const) {
      const rows = sampleRows(4321, 7)
      const inline = await write(rows, codec)
      const threaded = await write(rows, codec, workers)
      assert.ok(inline.length > 10_000)
      assert.deepEqual(threaded, inline, `${codec}: the worker's bytes differ`)
      const read = await parquetReadObjects({
        file: threaded.buffer as ArrayBuffer,
        compressors: spoolDecompressors,
      })
      assert.equal(read.length, 4321)
      assert.equal(read[4320].loss, rows[4320].loss)
      assert.equal(read[7].odd, -Infinity)
      assert.equal(read[9].phase, 'train')
    }
  } finally {
    await workers.close()
  }
})

test('many files at once share the workers and each keeps its own bytes', async () => {
  const workers = await ParquetWorkers.start(2)
  try {
    const sets = Array.from({ length: 6 }, (_, i) => sampleRows(1500 + i * 250, i + 1))
    const expected = await Promise.all(sets.map((rows) => write(rows, 'snappy')))
    const threaded = await Promise.all(sets.map((rows) => write(rows, 'snappy', workers)))
    for (let i = 0; i < sets.length; i++) assert.deepEqual(threaded[i], expected[i], `file ${i}`)
  } finally {
    await workers.close()
  }
})

test('a worker error names the worker and fails only the file being encoded', async () => {
  const workers = await ParquetWorkers.start(1)
  try {
    await assert.rejects(
      workers.encode(
        {},
        doubleColumnSetup('SNAPPY'),
        'snappy',
        [{ name: 'x', data: [1, 2] }],
        3,
        4,
      ),
      /parquet encoder worker: parquet row group: column "x" has 2 values for 3 rows/,
    )
    const rows = sampleRows(100, 3)
    assert.deepEqual(await write(rows, 'snappy', workers), await write(rows, 'snappy'))
  } finally {
    await workers.close()
  }
})

test('a stopped worker fails its open file; later files go to the others, then to this thread', async () => {
  const workers = await ParquetWorkers.start(2)
  try {
    const setup = doubleColumnSetup('SNAPPY')
    const open = {}
    await workers.encode(open, setup, 'snappy', [{ name: 'x', data: [1, 2, 3] }], 3, 4)
    assert.equal(workers.groups, 1)
    // the first file went to worker 0 (both had none open)
    await workers.stopWorker(0)
    await assert.rejects(
      workers.encode(open, setup, 'snappy', [{ name: 'x', data: [4] }], 1, 40),
      /parquet encoder worker stopped \(stopped\); run again with --workers 0/,
    )
    const sets = Array.from({ length: 3 }, (_, i) => sampleRows(1200 + i * 100, i + 9))
    const expected = await Promise.all(sets.map((rows) => write(rows, 'zstd')))
    assert.deepEqual(await Promise.all(sets.map((rows) => write(rows, 'zstd', workers))), expected)
    const onWorkers = workers.groups
    assert.ok(onWorkers > 1)
    await workers.stopWorker(1)
    assert.deepEqual(await write(sets[0], 'zstd', workers), expected[0])
    assert.equal(workers.groups, onWorkers, 'no worker left: encoded on this thread')
  } finally {
    await workers.close()
  }
})

test('a worker that answers nothing for stallTimeoutMs is stopped and its jobs fail', async () => {
  const workers = await ParquetWorkers.start(1, { stallTimeoutMs: 5 })
  try {
    // 4M random doubles (32 MB) take far longer than 5 ms to encode and compress
    const n = 4_000_000
    const nums = new Float64Array(n).map((_, i) => Math.sin(i) * 1e6)
    const flags = new Uint8Array(n).fill(1)
    const setup = doubleColumnSetup('ZSTD')
    const column = { name: 'x', numeric: { nums, flags, length: n, int: false }, data: [] }
    await assert.rejects(
      workers.encode({}, setup, 'zstd', [column], n, 4),
      /parquet encoder worker stopped \(no answer for 5 ms\)/,
    )
  } finally {
    await workers.close()
  }
})

test('closing the pool fails waiting jobs and a closed pool refuses new ones', async () => {
  const workers = await ParquetWorkers.start(1)
  await workers.close()
  await assert.rejects(write(sampleRows(50, 1), 'snappy', workers), /closed|stopped/)
})

test('the pool refuses a count that is not a whole number >= 1', async () => {
  await assert.rejects(ParquetWorkers.start(0), /Cannot start 0 encoder workers/)
})

test('each live worker collects its garbage when asked; stopped and closed ones do not', async () => {
  const workers = await ParquetWorkers.start(2)
  try {
    // Give both some garbage first: a file each (a new file goes to the worker with fewest).
    await Promise.all([
      write(sampleRows(500, 1), 'zstd', workers),
      write(sampleRows(500, 2), 'zstd', workers),
    ])
    assert.equal(await workers.collectGarbage(), 2)
    await workers.stopWorker(0)
    assert.equal(await workers.collectGarbage(), 1)
  } finally {
    await workers.close()
  }
  assert.equal(await workers.collectGarbage(), 0)
})

/** A pool stand-in that passes groups to `pool` but hands each answer back only when let go. */
function gatedPool(pool: ParquetWorkers, fail?: Error) {
  const sent: number[] = []
  const gates: (() => void)[] = []
  const stand = {
    encode(...args: Parameters<ParquetWorkers['encode']>) {
      sent.push(args[4])
      const encoded = pool.encode(...args)
      encoded.catch(() => {}) // a failing stand never hands it on
      const gate = new Promise<void>((resolve) => gates.push(resolve))
      return gate.then(() => fail ? Promise.reject(fail) : encoded)
    },
    release: (file: object) => pool.release(file),
  }
  return { workers: stand as unknown as ParquetWorkers, sent, gates }
}

/** Lets pending promise callbacks and timers run. */
const settleTicks = () => new Promise((resolve) => setTimeout(resolve, 20))

/** Waits until `ready()` holds (a worker's answer takes a moment), for at most 10 s. */
async function until(ready: () => boolean): Promise<void> {
  for (let waited = 0; !ready(); waited += 10) {
    if (waited > 10_000) throw new Error('gave up waiting after 10 s')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

test('the next group fills while a worker encodes this one; one group per file is in flight', async () => {
  const pool = await ParquetWorkers.start(1)
  try {
    const rows = sampleRows(2500, 5)
    const expected = await write(rows, 'zstd')
    const { workers, sent, gates } = gatedPool(pool)
    const stream = toParquet({
      columns: Object.keys(TYPES),
      types: { ...TYPES },
      codec: 'zstd',
      rowGroupSize: 1000,
      flatten: false,
      workers,
    } as ParquetInternalOptions)
    const chunks: Uint8Array[] = []
    const reading = (async () => {
      for await (const chunk of stream.readable) chunks.push(chunk)
    })()
    const writer = stream.writable.getWriter()
    // The first group goes out and the write returns while its answer is held back.
    await writer.write(rows.slice(0, 1000))
    assert.deepEqual(sent, [1000])
    assert.equal(chunks.length, 0, 'nothing is in the file before the answer')
    // The second group is built, but not sent before the first is in the file.
    const second = writer.write(rows.slice(1000, 2000))
    await settleTicks()
    assert.deepEqual(sent, [1000])
    gates[0]()
    await second
    assert.deepEqual(sent, [1000, 1000])
    await writer.write(rows.slice(2000))
    const closing = writer.close()
    await settleTicks()
    assert.deepEqual(sent, [1000, 1000], 'the last group waits for the one before it')
    gates[1]()
    await until(() => gates.length === 3)
    gates[2]()
    await closing
    await reading
    assert.deepEqual(sent, [1000, 1000, 500])
    assert.deepEqual(new Uint8Array(Buffer.concat(chunks)), expected)
  } finally {
    await pool.close()
  }
})

test('a group that fails on its worker fails the next write of its file, not the process', async () => {
  const pool = await ParquetWorkers.start(1)
  try {
    const { workers, gates } = gatedPool(pool, new Error('encoder gone'))
    const stream = toParquet({
      columns: Object.keys(TYPES),
      types: { ...TYPES },
      rowGroupSize: 1000,
      flatten: false,
      workers,
    } as ParquetInternalOptions)
    const reading = (async () => {
      for await (const _ of stream.readable) { /* drain */ }
    })()
    reading.catch(() => {})
    const writer = stream.writable.getWriter()
    const rows = sampleRows(2000, 8)
    await writer.write(rows.slice(0, 1000))
    gates[0]()
    await settleTicks()
    await assert.rejects(writer.write(rows.slice(1000, 2000)), /encoder gone/)
    await assert.rejects(reading, /encoder gone/)
  } finally {
    await pool.close()
  }
})

test("moved number storage is encoded on the worker and comes back to this thread's pool", async () => {
  const workers = await ParquetWorkers.start(1)
  try {
    emptyPool()
    const n = 16_384 // both buffers at least MIN_POOLED bytes
    const nums = new Float64Array(n).map((_, i) => i / 3)
    const flags = new Uint8Array(n).fill(1)
    const column = { name: 'x', numeric: { nums, flags, length: n, int: false }, data: [] }
    const setup = doubleColumnSetup('SNAPPY')
    const copied = await workers.encode({}, setup, 'snappy', [column], n, 4)
    assert.equal(nums.length, n, 'not moved unless asked')
    assert.equal(pooledBytes(), 0)
    const moving = workers.encode({}, setup, 'snappy', [column], n, 4, true)
    assert.equal(nums.length, 0, 'moved: detached here')
    const moved = await moving
    assert.deepEqual(moved.bytes, copied.bytes)
    assert.equal(pooledBytes(), n * 8 + n, 'both buffers are back in the pool')
  } finally {
    emptyPool()
    await workers.close()
  }
})
