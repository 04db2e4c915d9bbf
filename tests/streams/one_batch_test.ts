/** The one-batch stream over rows or bytes already in memory. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { oneBatch } from '../../src/streams/one_batch.ts'

/** Every chunk a stream yields. */
async function chunks<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = []
  for await (const chunk of stream) out.push(chunk)
  return out
}

test('rows come as one batch, the same array; an empty list yields nothing', async () => {
  const rows = [{ a: 1 }, { a: 2 }]
  const got = await chunks(oneBatch(rows))
  assert.equal(got.length, 1)
  assert.equal(got[0], rows)
  assert.deepEqual(await chunks(oneBatch([])), [])
})

test('bytes come as one chunk; empty bytes yield nothing', async () => {
  const bytes = new TextEncoder().encode('<svg/>')
  assert.deepEqual(await chunks(oneBatch(bytes)), [bytes])
  assert.deepEqual(await chunks(oneBatch(new Uint8Array(0))), [])
})
