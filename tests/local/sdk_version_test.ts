import { test } from 'node:test'
import assert from 'node:assert/strict'
import { releaseParts, versionAtLeast, versionInRange } from '../../src/local/sdk_version.ts'

test('releaseParts reads the numeric release of SDK and core versions', () => {
  assert.deepEqual(releaseParts('0.11.3.dev1'), [0, 11, 3])
  assert.deepEqual(releaseParts('0.18.3+4a1b2c'), [0, 18, 3])
  assert.deepEqual(releaseParts('1.2'), [1, 2, 0])
  assert.equal(releaseParts(''), undefined)
  assert.equal(releaseParts('dev'), undefined)
})

test('versionAtLeast and versionInRange compare numerically, not as text', () => {
  assert.equal(versionAtLeast('0.10.15', '0.11.0'), false)
  assert.equal(versionAtLeast('0.11.3.dev1', '0.11.0'), true)
  assert.equal(versionAtLeast('0.9.0', '0.10.0'), false)
  assert.equal(versionAtLeast('', '0.1.0'), false)
  assert.equal(versionInRange('0.16.3', '0.13.0', '0.16.6'), true)
  assert.equal(versionInRange('0.16.6', '0.13.0', '0.16.6'), false)
})
