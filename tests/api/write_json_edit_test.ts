import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyConfigEdits } from '../../src/api/config_edit.ts'
import { createSummaryView } from '../../src/api/summary_view.ts'

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
