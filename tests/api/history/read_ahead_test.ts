import { test } from 'node:test'
import assert from 'node:assert/strict'
import { columnSpan, ReadAheadBuffer } from '../../../src/api/history/read_ahead.ts'

/** A 100-byte file whose byte i is i, recording every slice asked of it. */
function file(failFirst = false) {
  const bytes = Uint8Array.from({ length: 100 }, (_, i) => i)
  const calls: [number, number | undefined][] = []
  return {
    calls,
    byteLength: 100,
    slice(start: number, end?: number): Promise<ArrayBuffer> {
      calls.push([start, end])
      if (failFirst && calls.length === 1) return Promise.reject(new Error('network blip'))
      return Promise.resolve(bytes.slice(start, end).buffer)
    },
  }
}

const view = async (b: Promise<ArrayBuffer> | ArrayBuffer) => [...new Uint8Array(await b)]

test('ReadAheadBuffer serves covered slices from a span fetched ahead', async () => {
  const f = file()
  const buffer = new ReadAheadBuffer(f)
  assert.equal(buffer.byteLength, 100)
  buffer.fetchAhead(10, 20)
  buffer.fetchAhead(12, 18) // covered already: no new fetch
  assert.equal(buffer.held, 1)
  assert.deepEqual(await view(buffer.slice(10, 20)), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
  assert.deepEqual(await view(buffer.slice(15, 17)), [15, 16])
  assert.deepEqual(f.calls, [[10, 20]])
  assert.deepEqual(await view(buffer.slice(95)), [95, 96, 97, 98, 99])
  assert.deepEqual(f.calls, [[10, 20], [95, 100]])
  buffer.release(0, 50)
  assert.equal(buffer.held, 0)
})

test('ReadAheadBuffer holds at most limit spans and asks again when a read-ahead failed', async () => {
  const f = file(true)
  const buffer = new ReadAheadBuffer(f, 2)
  buffer.fetchAhead(0, 10)
  buffer.fetchAhead(20, 30)
  buffer.fetchAhead(40, 50)
  assert.equal(buffer.held, 2)
  await new Promise((r) => setTimeout(r, 0))
  assert.deepEqual(await view(buffer.slice(2, 4)), [2, 3]) // span 0-10 was dropped: direct read
  assert.deepEqual(f.calls.at(-1), [2, 4])
  const g = file(true)
  const failing = new ReadAheadBuffer(g)
  failing.fetchAhead(0, 4)
  assert.deepEqual(await view(failing.slice(0, 4)), [0, 1, 2, 3])
  assert.deepEqual(g.calls, [[0, 4], [0, 4]])
  assert.throws(() => new ReadAheadBuffer(f, 0), {
    name: 'RangeError',
    message: 'Cannot create a read-ahead buffer with limit 0: use 1 or more',
  })
})

test('columnSpan covers the chosen columns, dictionary pages included, when they fill the span', () => {
  const chunk = (name: string, data: number, size: number, dict?: number) => ({
    meta_data: {
      path_in_schema: [name, 'leaf'],
      data_page_offset: BigInt(data),
      dictionary_page_offset: dict === undefined ? undefined : BigInt(dict),
      total_compressed_size: BigInt(size),
    },
  })
  const group = {
    columns: [
      chunk('_step', 4, 10),
      chunk('loss', 20, 30, 14),
      chunk('big', 44, 1000),
      chunk('far', 5000, 10),
    ],
  }
  assert.deepEqual(columnSpan(group, ['_step', 'loss']), [4, 44])
  assert.deepEqual(columnSpan(group, ['big']), [44, 1044])
  assert.equal(columnSpan(group, ['_step', 'far']), undefined) // mostly other bytes between
  assert.equal(columnSpan(group, ['absent']), undefined)
  assert.equal(columnSpan({ columns: [{}] }, ['_step']), undefined)
})
