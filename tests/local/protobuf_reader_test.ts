/** The protobuf wire reader under every `.wandb` decoder: varints of all widths, doubles, strings, bounds. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ProtoReader, WIRE_FIXED32, WIRE_LEN } from '../../src/local/protobuf_reader.ts'
import { ProtobufDecodeError } from '../../src/local/errors.ts'

/** The varint bytes of a 64-bit value (negative values as their two's complement, 10 bytes). */
function varint(value: bigint): number[] {
  let v = BigInt.asUintN(64, value)
  const out: number[] = []
  do {
    const low = Number(v & 0x7fn)
    v >>= 7n
    out.push(v > 0n ? low | 0x80 : low)
  } while (v > 0n)
  return out
}

/** A reader over the given bytes. */
function reader(...bytes: number[]): ProtoReader {
  return new ProtoReader(new Uint8Array(bytes))
}

test('varints: uint32, a 10-byte negative int32, and 64-bit values as exact text', () => {
  assert.deepEqual(varint(150n), [0x96, 0x01])
  assert.equal(reader(...varint(150n)).uint32(), 150)
  const minusOne = reader(...varint(-1n))
  assert.equal(minusOne.int32(), -1)
  assert.equal(minusOne.pos, 10)
  assert.equal(reader(...varint(-1n)).int64String(), '-1')
  assert.equal(reader(...varint(2n ** 64n - 1n)).uint64String(), '18446744073709551615')
  assert.equal(reader(...varint(2n ** 53n + 1n)).int64String(), '9007199254740993')
  assert.equal(reader(...varint(-(2n ** 40n))).int64(), -(2 ** 40))
})

test('sint64 zigzag decodes small and large values of both signs', () => {
  assert.equal(reader(...varint(5n)).sint64String(), '-3')
  assert.equal(reader(...varint(8n)).sint64String(), '4')
  const big = 2n ** 62n
  assert.equal(reader(...varint(big * 2n - 1n)).sint64String(), String(-big))
})

test('double, fixed32, bool and a UTF-8 string, in order', () => {
  const d = new Uint8Array(8)
  new DataView(d.buffer).setFloat64(0, 1.5, true)
  const text = [...new TextEncoder().encode('héllo')]
  const r = reader(...d, 0x78, 0x56, 0x34, 0x12, 0x01, text.length, ...text)
  assert.equal(r.double(), 1.5)
  assert.equal(r.fixed32(), 0x12345678)
  assert.equal(r.bool(), true)
  assert.equal(r.string(), 'héllo')
  assert.equal(r.pos, r.end)
})

test('skip passes over each wire type and rejects groups', () => {
  const r = reader(0x02, 0xaa, 0xbb, 0x01, 0x02, 0x03, 0x04, 0x07)
  r.skip(WIRE_LEN)
  r.skip(WIRE_FIXED32)
  assert.equal(r.uint32(), 7)
  assert.throws(() => reader(0x00).skip(3), /unsupported wire type 3 \(group\)/)
})

test('malformed input throws ProtobufDecodeError naming the problem and where the value starts', () => {
  assert.throws(() => reader(0x80).uint32(), (err: unknown) => {
    assert.ok(err instanceof ProtobufDecodeError)
    assert.match(err.message, /truncated varint at byte 0/)
    return true
  })
  assert.throws(() => reader(0x05, 0x61).string(), /length 5 runs past the end .*1 bytes left/)
  assert.throws(() => reader(0x02).tag(), /invalid field number 0/)
  assert.throws(() => reader(0x00, 0x00).double(), /truncated fixed64/)
  const bounded = new ProtoReader(new Uint8Array([0x96, 0x01]), 0, 1)
  assert.throws(() => bounded.uint32(), /truncated varint/)
})
