import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyJsonEdits, assertJsonValue, diffJson, jsonEqual } from '../../src/api/json_edit.ts'
import { applyConfigEdits } from '../../src/api/config_edit.ts'
import { createSummaryView } from '../../src/api/summary_view.ts'

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

test('applyConfigEdits keeps descriptions, wrappers and internal keys; refuses internal edits', () => {
  const stored: Record<string, unknown> = {
    _wandb: { value: { t: 1 } },
    wandb_version: '0.31.0',
    lr: { value: 0.1, desc: 'rate', extra: 'x' },
    bare: [1, 2],
    model: { value: { layers: 3 }, desc: 'net' },
  }
  applyConfigEdits(stored, [
    { op: 'set', path: ['lr'], value: 0.2 },
    { op: 'set', path: ['bare'], value: [3] },
    { op: 'set', path: ['model', 'width'], value: 64 },
    { op: 'delete', path: ['model', 'layers'] },
    { op: 'set', path: ['fresh', 'a'], value: 1 },
  ])
  assert.deepEqual(stored, {
    _wandb: { value: { t: 1 } },
    wandb_version: '0.31.0',
    lr: { value: 0.2, desc: 'rate', extra: 'x' },
    bare: { value: [3], desc: null },
    model: { value: { width: 64 }, desc: 'net' },
    fresh: { value: { a: 1 }, desc: null },
  })
  assert.throws(
    () => applyConfigEdits(stored, [{ op: 'delete', path: ['wandb_version'] }]),
    /config key wandb_version: it is internal to W&B/,
  )
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

test('the summary view reads like the object, and method names never hide data keys', async () => {
  const target: Record<string, unknown> = { acc: 1, update: 'a metric named update' }
  let commits = 0
  const view = createSummaryView(target, () => {
    commits++
    return Promise.resolve()
  })
  assert.deepEqual(view, { acc: 1, update: 'a metric named update' })
  assert.equal(JSON.stringify(view), '{"acc":1,"update":"a metric named update"}')
  assert.equal(view.update as unknown, 'a metric named update')
  assert.equal(typeof view.set, 'function')
  view.set(['a', 'b'], 2)
  assert.deepEqual(target.a, { b: 2 })
  view.__proto__ = 5
  assert.equal(Object.getPrototypeOf(target), Object.prototype)
  assert.equal(target.__proto__, 5)
  delete target.update
  await view.update({ x: 1 })
  assert.equal(commits, 1)
  assert.equal(target.x, 1)
  await assert.rejects(view.update([] as unknown as Record<string, unknown>), TypeError)
})
