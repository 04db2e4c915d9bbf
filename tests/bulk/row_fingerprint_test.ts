import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rowFingerprint } from '../../src/bulk/row_fingerprint.ts'

test('rowFingerprint is a hex sha256 that ignores key order and nesting form', () => {
  const a = rowFingerprint({ _step: 3, loss: 0.5, acc: { top1: 0.9 } })
  assert.match(a, /^[0-9a-f]{64}$/)
  assert.equal(rowFingerprint({ 'acc.top1': 0.9, loss: 0.5, _step: 3 }), a)
  assert.equal(rowFingerprint({ acc: { top1: 0.9 }, _step: 3, loss: 0.5 }), a)
})

test('rowFingerprint tells a changed value or an extra key apart', () => {
  const base = rowFingerprint({ _step: 3, loss: 0.5 })
  assert.notEqual(rowFingerprint({ _step: 3, loss: 0.25 }), base)
  assert.notEqual(rowFingerprint({ _step: 3, loss: 0.5, lr: 1 }), base)
  assert.notEqual(rowFingerprint({ _step: 3, loss: '0.5' }), base)
})

test('rowFingerprint spells NaN, ±Infinity and -0 apart from null and 0', () => {
  const prints = [NaN, Infinity, -Infinity, -0, 0, null].map((v) => rowFingerprint({ x: v }))
  assert.equal(new Set(prints).size, 6)
  assert.equal(rowFingerprint({ x: NaN }), rowFingerprint({ x: NaN }))
})
