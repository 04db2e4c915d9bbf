import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { crc32 } from '../../src/local/crc32.ts'
import { seededRandom } from './_log_writer.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const text = (s: string) => new TextEncoder().encode(s)

/** Byte-at-a-time reference CRC-32, independent of the slicing-by-8 tables. */
function referenceCrc(data: Uint8Array): number {
  let c = 0xffffffff
  for (const b of data) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

test('crc32 matches zlib.crc32 on known vectors (values from Python zlib)', () => {
  assert.equal(crc32(new Uint8Array(0)), 0)
  assert.equal(crc32(text('123456789')), 0xcbf43926)
  assert.equal(crc32(text('The quick brown fox jumps over the lazy dog')), 0x414fa339)
  const block = new Uint8Array(256 * 40)
  for (let i = 0; i < block.length; i++) block[i] = i & 0xff
  assert.equal(crc32(block), 0xbbce3b9d)
})

test('crc32 of "Weights & Biases" ends in the .wandb magic 0xBEE1', () => {
  assert.equal(crc32(text('Weights & Biases')), 0x243ebee1)
  assert.equal(crc32(text('Weights & Biases')) & 0xffff, 0xbee1)
})

test('crc32 of each chunk type byte gives the seeds of the format spec', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((t) => crc32(Uint8Array.of(t))),
    [0xa505df1b, 0x3c0c8ea1, 0x4b0bbe37, 0xd56f2b94],
  )
})

test('crc32 with a seed continues a previous CRC, over any sub-range', () => {
  const rnd = seededRandom(7)
  for (let n = 0; n < 200; n++) {
    const data = new Uint8Array((rnd() * 300) | 0)
    for (let i = 0; i < data.length; i++) data[i] = (rnd() * 256) | 0
    const whole = referenceCrc(data)
    assert.equal(crc32(data), whole)
    const cut = (rnd() * data.length) | 0
    assert.equal(crc32(data, crc32(data, 0, 0, cut), cut), whole)
    const start = (rnd() * data.length) | 0
    const end = start + ((rnd() * (data.length - start)) | 0)
    assert.equal(crc32(data, 0, start, end), referenceCrc(data.subarray(start, end)))
  }
})

test('crc32 over type byte + payload reproduces every checksum of a real fixture', {
  skip: skipWithoutSharedFixtures,
}, () => {
  const bytes = readFileSync(sharedFixture('wandb-offline-run-2021/run-g9dvvkua.wandb'))
  let pos = 7
  let checked = 0
  while (pos + 7 <= bytes.length) {
    const sum = new DataView(bytes.buffer, bytes.byteOffset).getUint32(pos, true)
    const len = bytes[pos + 4] | (bytes[pos + 5] << 8)
    assert.equal(crc32(bytes, 0, pos + 6, pos + 7 + len), sum, `chunk at ${pos}`)
    assert.equal(crc32(bytes, crc32(Uint8Array.of(bytes[pos + 6])), pos + 7, pos + 7 + len), sum)
    pos += 7 + len
    checked++
  }
  assert.equal(checked, 10)
})
