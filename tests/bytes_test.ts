import { test } from 'node:test'
import assert from 'node:assert/strict'
import { concatBytes } from '../src/bytes.ts'

test('concatBytes joins chunks in order into one new array', () => {
  const a = new Uint8Array([1, 2])
  const b = new Uint8Array([3])
  const out = concatBytes([a, new Uint8Array(0), b])
  assert.deepEqual([...out], [1, 2, 3])
  out[0] = 9
  assert.equal(a[0], 1)
})

test('concatBytes honours subarray views and a given total', () => {
  const base = new Uint8Array([0, 5, 6, 7, 0])
  const out = concatBytes([base.subarray(1, 4), new Uint8Array([8])], 4)
  assert.deepEqual([...out], [5, 6, 7, 8])
  assert.equal(concatBytes([]).byteLength, 0)
})
