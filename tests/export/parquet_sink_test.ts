import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  fileWriter,
  handleBuffer,
  outputWriter,
  SinkWriter,
} from '../../src/export/parquet_sink.ts'

const bytes = (n: number, seed = 0) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff)

test('outputWriter sends its own copies, in pieces of at most 1 MiB, and empties the buffer', async () => {
  const pushed: Uint8Array[] = []
  const writer = outputWriter({ push: (b) => (pushed.push(b), Promise.resolve()) })
  const data = bytes(2.5 * (1 << 20))
  writer.appendBytes(data)
  await writer.flush()
  assert.deepEqual(pushed.map((p) => p.length), [1 << 20, 1 << 20, data.length - 2 * (1 << 20)])
  assert.deepEqual(Buffer.concat(pushed), Buffer.from(data))
  assert.notEqual(pushed[0].buffer, writer.buffer)
  assert.equal(writer.index, 0)
  await writer.flush() // nothing buffered: nothing sent
  writer.appendBytes(bytes(3, 1))
  await writer.finish()
  assert.deepEqual([...pushed.at(-1)!], [...bytes(3, 1)])
  assert.equal(pushed.length, 4)
})

test('a SinkWriter without copy hands out a view of its buffer', async () => {
  const seen: Uint8Array[] = []
  const writer = new SinkWriter((b) => (seen.push(b), Promise.resolve()), false)
  writer.appendBytes(bytes(10))
  await writer.flush()
  assert.equal(seen[0].buffer, writer.buffer)
  assert.equal(seen[0].length, 10)
})

test('fileWriter writes to a file handle that handleBuffer reads back by range', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-parquet-sink-'))
  const handle = await open(join(dir, 'spool'), 'w+')
  try {
    const writer = fileWriter(handle)
    const data = bytes(70_000, 3)
    writer.appendBytes(data)
    await writer.finish()
    const buffer = handleBuffer(handle, data.length)
    assert.equal(buffer.byteLength, 70_000)
    assert.deepEqual(new Uint8Array(await buffer.slice(100, 110)), data.subarray(100, 110))
    assert.deepEqual(new Uint8Array(await buffer.slice(69_990)), data.subarray(69_990))
    assert.equal((await buffer.slice(0)).byteLength, 70_000)
  } finally {
    await handle.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('a SinkWriter keeps every byte while it grows (memory that is not zero-filled first)', async () => {
  const seen: Uint8Array[] = []
  const writer = new SinkWriter((b) => (seen.push(new Uint8Array(b)), Promise.resolve()), false)
  const expected: number[] = []
  for (let i = 0; i < 100_000; i++) {
    writer.appendUint32(i)
    writer.appendUint8(i & 0xff)
    expected.push(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 0, i & 0xff)
  }
  assert.ok(writer.buffer.byteLength >= 500_000 && writer.buffer.byteLength < 2 * 500_000 + 1)
  await writer.flush()
  assert.deepEqual([...seen[0]], expected)
})
