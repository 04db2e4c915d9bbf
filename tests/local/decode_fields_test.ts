import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  bytesField,
  double,
  enumName,
  fieldTable,
  flag,
  int32,
  int64,
  message,
  messages,
  readFields,
  text,
  texts,
  timestamp,
} from '../../src/local/decode_fields.ts'
import { ProtoReader } from '../../src/local/protobuf_reader.ts'
import type { Timestamp } from '../../src/local/record_types.ts'
import { ProtoWriter } from './_proto_writer.ts'

interface Point {
  x: number
}

interface Probe {
  name: string
  tags: string[]
  on: boolean
  small: number
  big: number
  ratio: number
  kind: 'none' | 'a' | 'b'
  at?: Timestamp
  point?: Point
  points: Point[]
  raw: number
}

const POINT = fieldTable<Point>({ 1: int32('x') })
const readPoint = (r: ProtoReader) => readFields(r, POINT, { x: 0 })

const PROBE = fieldTable<Probe>({
  1: text('name'),
  2: texts('tags'),
  3: flag('on'),
  4: int32('small'),
  5: int64('big'),
  6: double('ratio'),
  7: enumName('kind', ['none', 'a', 'b']),
  8: timestamp('at'),
  9: message('point', readPoint),
  10: messages('points', readPoint),
  11: bytesField((r, p) => void (p.raw += r.string().length)),
})

const empty = (): Probe => ({
  name: '',
  tags: [],
  on: false,
  small: 0,
  big: 0,
  ratio: 0,
  kind: 'none',
  points: [],
  raw: 0,
})

const decode = (bytes: Uint8Array) => readFields(new ProtoReader(bytes), PROBE, empty())

test('readFields stores every kind of field by its table entry', () => {
  const bytes = new ProtoWriter()
    .string(1, 'probe')
    .string(2, 'a')
    .string(2, 'b')
    .bool(3, true)
    .varint(4, -5)
    .varint(5, 2n ** 40n)
    .double(6, 0.25)
    .varint(7, 2)
    .message(8, (w) => w.varint(1, 1700000000).varint(2, 5))
    .message(9, (w) => w.varint(1, 7))
    .message(10, (w) => w.varint(1, 1))
    .message(10, (w) => w.varint(1, 2))
    .string(11, 'four')
    .string(11, 'xy')
    .finish()
  assert.deepEqual(decode(bytes), {
    name: 'probe',
    tags: ['a', 'b'],
    on: true,
    small: -5,
    big: 2 ** 40,
    ratio: 0.25,
    kind: 'b',
    points: [{ x: 1 }, { x: 2 }],
    raw: 6,
    at: { seconds: 1700000000, nanos: 5 },
    point: { x: 7 },
  })
})

test('readFields skips unknown fields and fields with another wire type; an enum past its names is the first', () => {
  const bytes = new ProtoWriter()
    .string(99, 'unknown')
    .varint(1, 3) // name arrives as a varint: skipped
    .string(3, 'yes') // on arrives length-delimited: skipped
    .varint(7, 9)
    .string(1, 'kept')
    .finish()
  assert.deepEqual(decode(bytes), { ...empty(), name: 'kept', kind: 'none' })
})

test('a sub-message is read within its bounds and the outer message continues after it', () => {
  const bytes = new ProtoWriter()
    .message(9, (w) => w.varint(1, 3).string(1, 'not a varint'))
    .string(1, 'after')
    .finish()
  assert.deepEqual(decode(bytes), { ...empty(), point: { x: 3 }, name: 'after' })
})

test('fieldTable indexes stores by tag (field << 3 | wire type)', () => {
  assert.equal(typeof PROBE[(1 << 3) | 2], 'function')
  assert.equal(typeof PROBE[(6 << 3) | 1], 'function')
  assert.equal(PROBE[(1 << 3) | 0], undefined)
  assert.equal(PROBE.length, (11 << 3) + 2 + 1)
})
