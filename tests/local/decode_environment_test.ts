/** EnvironmentRecord bodies decoded as protojson renders them (wandb-metadata.json's fields). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeEnvironment } from '../../src/local/decode_environment.ts'
import { ProtoReader } from '../../src/local/protobuf_reader.ts'

/** Protobuf encoding helpers: a varint, a length-delimited field, a varint field. */
function varint(value: number): number[] {
  const out: number[] = []
  let v = value
  do {
    const low = v % 128
    v = Math.floor(v / 128)
    out.push(v > 0 ? low | 0x80 : low)
  } while (v > 0)
  return out
}
const len = (field: number, body: number[]) => [
  ...varint((field << 3) | 2),
  ...varint(body.length),
  ...body,
]
const num = (field: number, value: number) => [...varint(field << 3), ...varint(value)]
const str = (field: number, text: string) => len(field, [...new TextEncoder().encode(text)])

/** Decodes a body built from fields. */
function decode(...fields: number[][]): Record<string, unknown> {
  const bytes = new Uint8Array(fields.flat())
  return decodeEnvironment(new ProtoReader(bytes)) as Record<string, unknown>
}

/** A Timestamp message `{seconds 1, nanos 2}`. */
const timestamp = (seconds: number, nanos = 0) =>
  nanos ? [...num(1, seconds), ...num(2, nanos)] : num(1, seconds)

test('startedAt is RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits, as protojson writes it', () => {
  const at = (nanos: number) => decode(len(3, timestamp(1_700_000_000, nanos))).startedAt
  assert.equal(at(0), '2023-11-14T22:13:20Z')
  assert.equal(at(500_000_000), '2023-11-14T22:13:20.500Z')
  assert.equal(at(123_456_000), '2023-11-14T22:13:20.123456Z')
  assert.equal(at(123_456_789), '2023-11-14T22:13:20.123456789Z')
})

test('a timestamp past year 9999 is a decode error naming the seconds', () => {
  assert.throws(
    () => decode(len(3, timestamp(253_402_300_800))),
    /timestamp 253402300800 s out of range/,
  )
})

test('strings, repeated strings, numbers, nested messages and maps; zero values are left out', () => {
  const record = decode(
    str(1, 'Linux'),
    str(5, '--lr'),
    str(5, '0.1'),
    num(16, 8),
    num(17, 0),
    len(9, [...str(1, 'https://example.com/repo.git'), ...str(2, 'abc123')]),
    len(20, [...str(1, '/'), ...len(2, [...num(1, 1000), ...num(2, 250)])]),
    len(27, [...str(1, 'SLURM_JOB_ID'), ...str(2, '42')]),
  )
  assert.deepEqual(record, {
    os: 'Linux',
    args: ['--lr', '0.1'],
    cpu_count: 8,
    git: { remote: 'https://example.com/repo.git', commit: 'abc123' },
    disk: { '/': { total: '1000', used: '250' } },
    slurm: { SLURM_JOB_ID: '42' },
  })
})

test('unknown fields and fields with an unexpected wire type are skipped', () => {
  assert.deepEqual(decode(str(1, 'Linux'), str(90, 'later field'), len(16, [1, 2])), {
    os: 'Linux',
  })
})
