import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { generateRun } from './generate_run.ts'
import type { HistoryTable } from './history_table.ts'
import { buildParquetExport, planColumns } from './parquet_export.ts'
import { layoutPart, RowGroupCache } from './streamed_export.ts'

function concat(chunks: Iterable<Uint8Array>): Uint8Array {
  const list = [...chunks]
  const out = new Uint8Array(list.reduce((n, c) => n + c.byteLength, 0))
  let at = 0
  for (const c of list) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

const table = (steps: number, opts: Record<string, unknown> = {}) =>
  generateRun({ steps, metrics: 5, seed: 3, ...opts }).history as HistoryTable

test('the streamed file is byte for byte the file written in one piece, and so is every range', () => {
  const history = table(2_345, { sparseEvery: 3, nested: true, nonFiniteEvery: 7 })
  const whole = buildParquetExport(history, {
    parquetExport: true,
    liveTail: 0,
    parquetFileRows: 100_000,
    parquetRowGroupRows: 500,
    streamExport: false,
  }).files[0]
  const part = layoutPart(history, planColumns(history, history.rowCount), 0, 2_345, 500)
  assert.equal(part.size, whole.byteLength)
  assert.equal(part.rowGroups, 5)
  assert.equal(part.md5, createHash('md5').update(whole).digest('base64'))
  assert.deepEqual(concat(part.read(0, part.size - 1)), whole)
  for (const [a, b] of [[0, 3], [4, 4], [100, 9_000], [part.size - 8, part.size - 1], [7, 10e9]]) {
    assert.deepEqual(concat(part.read(a, b)), whole.subarray(a, Math.min(b, part.size - 1) + 1))
  }
})

test('a 300k-row run is laid out and served a row group at a time, never as one buffer', async () => {
  const history = table(300_000)
  const part = layoutPart(history, planColumns(history, 1), 0, 300_000, 10_000)
  assert.equal(part.rowGroups, 30)
  const chunks: number[] = []
  const hash = createHash('md5')
  const tail: Uint8Array[] = []
  for (const chunk of part.read(0, part.size - 1)) {
    chunks.push(chunk.byteLength)
    hash.update(chunk)
    tail.push(chunk)
    if (tail.length > 2) tail.shift()
  }
  assert.equal(chunks.length, 32) // magic, 30 row groups, footer
  assert.equal(chunks.reduce((a, b) => a + b, 0), part.size)
  assert.ok(
    Math.max(...chunks) < part.size / 20,
    `largest chunk ${Math.max(...chunks)} of ${part.size}`,
  )
  assert.equal(hash.digest('base64'), part.md5)
  // The footer range a reader asks for first, then the last row group's rows, read back.
  const footer = concat(part.read(part.size - 65_536, part.size - 1))
  const meta = parquetMetadata(footer.buffer.slice(footer.byteOffset) as ArrayBuffer)
  assert.equal(meta.num_rows, 300_000n)
  // Reading through ranges only, as a remote reader would: hyparquet asks for what it needs.
  const requested: number[] = []
  const file = {
    byteLength: part.size,
    slice(a: number, b = part.size): ArrayBuffer {
      requested.push(b - a)
      const out = concat(part.read(a, b - 1))
      return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer
    },
  }
  const rows = await parquetReadObjects({ file, rowStart: 299_998, rowEnd: 300_000 })
  assert.ok(requested.every((n) => n < part.size / 10), `ranges ${requested}`)
  assert.deepEqual(rows.map((r) => r._step), [299_998n, 299_999n])
  assert.equal(rows[1].loss, history.rowAt(299_999).loss)
})

test('a warm row-group cache serves the same bytes without encoding again, and stays within its budget', () => {
  const history = table(5_000)
  const columns = planColumns(history, 1)
  const plain = layoutPart(history, columns, 0, 5_000, 1_000)
  const expected = concat(plain.read(0, plain.size - 1))
  const cache = new RowGroupCache(1 << 30)
  const part = layoutPart(history, columns, 0, 5_000, 1_000, cache)
  assert.equal(cache.hits + cache.misses, 0)
  assert.deepEqual(concat(part.read(0, part.size - 1)), expected)
  assert.deepEqual([cache.hits, cache.misses], [5, 0], 'every row group came from the layout pass')
  const small = new RowGroupCache(Math.floor(cache.bytes / 2))
  const tight = layoutPart(history, columns, 0, 5_000, 1_000, small)
  assert.ok(small.bytes <= small.maxBytes)
  // The last row groups laid out are still cached; the first were dropped and are encoded again.
  const nearEnd = tight.groups[4].offset + 100
  assert.deepEqual(
    concat(tight.read(nearEnd, nearEnd + 10)),
    expected.subarray(nearEnd, nearEnd + 11),
  )
  assert.deepEqual([small.hits, small.misses], [1, 0])
  assert.deepEqual(concat(tight.read(0, tight.size - 1)), expected)
  assert.ok(small.misses > 0, `${small.hits} hits, ${small.misses} misses`)
  assert.ok(small.bytes <= small.maxBytes)
})
