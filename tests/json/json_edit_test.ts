/** Generic JSON edits: diffs, merges onto another value, and the JSON-value check. */
import { describe, it, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  applyJsonEdits,
  assertJsonValue,
  defineKey,
  diffJson,
  jsonEqual,
  setPath,
} from '../../src/json/json_edit.ts'

test('diffJson finds nested sets and deletes; NaN equals NaN, arrays compare whole', () => {
  const base = { a: 1, n: NaN, arr: [1, 2], deep: { x: 1, y: { z: 2 } }, gone: true }
  const now = { a: 1, n: NaN, arr: [1, 3], deep: { x: 1, y: { z: 3, w: 4 } }, added: null }
  assert.deepEqual(diffJson(base, now), [
    { op: 'delete', path: ['gone'] },
    { op: 'set', path: ['arr'], value: [1, 3] },
    { op: 'set', path: ['deep', 'y', 'z'], value: 3 },
    { op: 'set', path: ['deep', 'y', 'w'], value: 4 },
    { op: 'set', path: ['added'], value: null },
  ])
  assert.deepEqual(diffJson({ a: { b: 1 } }, { a: 5 }), [{ op: 'set', path: ['a'], value: 5 }])
  assert.equal(jsonEqual({ a: [NaN, { b: -0 }] }, { a: [NaN, { b: -0 }] }), true)
  assert.equal(jsonEqual({ a: 1 }, { a: 1, b: undefined }), false)
})

test('applyJsonEdits merges onto another value: creates parents, skips deletes of missing keys', () => {
  const fresh: Record<string, unknown> = { other: 'kept', deep: 7, list: [1] }
  applyJsonEdits(fresh, [
    { op: 'set', path: ['deep', 'y', 'z'], value: { v: 1 } },
    { op: 'delete', path: ['missing', 'key'] },
    { op: 'delete', path: ['list'] },
    { op: 'set', path: ['__proto__'], value: { polluted: true } },
  ])
  assert.deepEqual(Object.keys(fresh), ['other', 'deep', '__proto__'])
  assert.deepEqual(fresh.deep, { y: { z: { v: 1 } } })
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution')
  assert.equal(Object.getPrototypeOf(fresh), Object.prototype)
})

test('assertJsonValue names the offending path', () => {
  assertJsonValue({ a: [1, NaN, Infinity, 'x', null, { b: true }] }, 'summary')
  assert.throws(
    () => assertJsonValue({ a: [1, undefined] }, 'summary'),
    /summary\.a\[1\] is undefined/,
  )
  assert.throws(() => assertJsonValue({ m: new Map() }, 'config'), /config\.m is a class instance/)
  assert.throws(() => assertJsonValue({ n: 1n }, 'config'), /config\.n is bigint/)
})

test('defineKey sets __proto__ as data and other keys plainly', () => {
  const obj: Record<string, unknown> = {}
  defineKey(obj, '__proto__', { polluted: true })
  defineKey(obj, 'a', 1)
  assert.deepEqual(Object.keys(obj), ['__proto__', 'a'])
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
})

describe('setPath', () => {
  it('creates intermediate objects and replaces scalars on the way', () => {
    const row: Record<string, unknown> = { a: 5 }
    setPath(row, ['a', 'b', 'c'], 1)
    setPath(row, ['a', 'b', 'd'], 2)
    assert.deepEqual(row, { a: { b: { c: 1, d: 2 } } })
  })

  it('stores __proto__ as data without touching the prototype', () => {
    const row: Record<string, unknown> = {}
    setPath(row, ['__proto__', 'polluted'], true)
    assert.equal(Object.getPrototypeOf(row), Object.prototype)
    assert.deepEqual(Object.keys(row), ['__proto__'])
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
  })
})
