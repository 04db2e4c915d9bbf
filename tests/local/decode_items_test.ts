import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  readHistory,
  readItem,
  readKeyValue,
  readTimestamp,
  readUpdateRecord,
  sub,
} from '../../src/local/decode_items.ts'
import { ProtoReader } from '../../src/local/protobuf_reader.ts'
import { ProtoWriter } from './_proto_writer.ts'

/** A reader over the bytes `build` writes. */
const bytesOf = (build: (w: ProtoWriter) => void) => {
  const w = new ProtoWriter()
  build(w)
  return new ProtoReader(w.finish())
}

test('readItem reads key or nested_key paths and value_json', () => {
  assert.deepEqual(readItem(bytesOf((w) => w.string(1, 'loss').string(16, '0.5'))), {
    path: ['loss'],
    valueJson: '0.5',
  })
  assert.deepEqual(
    readItem(bytesOf((w) => w.string(2, 'eval').string(2, 'acc').string(16, '1'))),
    { path: ['eval', 'acc'], valueJson: '1' },
  )
  // one nested_key segment wins over key; unknown fields are skipped
  assert.deepEqual(
    readItem(bytesOf((w) => w.string(1, 'k').varint(9, 7).string(2, 'only').string(16, '"x"'))),
    { path: ['only'], valueJson: '"x"' },
  )
})

test('readItem renders the typed value oneof (SDK 0.31+) as extended JSON text', () => {
  const typed = (build: (w: ProtoWriter) => void) =>
    readItem(bytesOf((w) => build(w.string(1, 'k')))).valueJson
  assert.equal(typed((w) => w.varint(3, 0)), 'null')
  assert.equal(typed((w) => w.bool(4, true)), 'true')
  assert.equal(typed((w) => w.sint64(5, -9007199254740993n)), '-9007199254740993')
  assert.equal(typed((w) => w.double(6, 1)), '1.0')
  assert.equal(typed((w) => w.double(6, NaN)), 'NaN')
  assert.equal(typed((w) => w.double(6, -Infinity)), '-Infinity')
  assert.equal(typed((w) => w.string(7, 'say "hi"')), '"say \\"hi\\""')
  assert.equal(typed((w) => w.string(8, '{"a": 1}')), '{"a": 1}')
  assert.equal(typed((w) => w.double(6, 2).string(16, '3')), '3') // value_json wins
})

test('readHistory tells an empty step message (step 0) from no step', () => {
  const item = (w: ProtoWriter) => w.string(1, '_step').string(16, '4')
  assert.deepEqual(
    readHistory(bytesOf((w) => w.message(1, item).message(2, (s) => s.varint(1, 4)))),
    {
      items: [{ path: ['_step'], valueJson: '4' }],
      step: 4,
    },
  )
  assert.deepEqual(readHistory(bytesOf((w) => w.message(2))), { items: [], step: 0 })
  const none = readHistory(bytesOf((w) => w.message(1, item)))
  assert.equal(Object.hasOwn(none, 'step'), false)
})

test('readUpdateRecord splits update and remove items', () => {
  const r = bytesOf((w) =>
    w.message(1, (i) => i.string(1, 'a').string(16, '1'))
      .message(2, (i) => i.string(2, 'b').string(2, 'c'))
  )
  assert.deepEqual(readUpdateRecord(r), {
    update: [{ path: ['a'], valueJson: '1' }],
    remove: [{ path: ['b', 'c'], valueJson: '' }],
  })
})

test('readTimestamp, sub and readKeyValue restore the outer bounds', () => {
  const r = bytesOf((w) =>
    w.message(1, (t) => t.varint(1, 1700000000).varint(2, 5))
      .message(2, (kv) => kv.string(1, '__proto__').string(2, '"v"'))
      .message(3, (m) => m.varint(1, 42))
      .varint(4, 1)
  )
  r.tag()
  assert.deepEqual(readTimestamp(r), { seconds: 1700000000, nanos: 5 })
  r.tag()
  const into: Record<string, string> = {}
  readKeyValue(r, into)
  assert.ok(Object.hasOwn(into, '__proto__'))
  assert.equal(Object.getPrototypeOf(into), Object.prototype)
  r.tag()
  assert.equal(sub(r, (inner) => (inner.tag(), inner.int64())), 42)
  assert.equal(r.end, r.buf.length)
  assert.equal(r.tag(), (4 << 3) | 0)
})
