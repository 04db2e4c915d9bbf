import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyConfigEdits, assertUserConfigEdits } from '../../src/api/config_edit.ts'

test('applyConfigEdits keeps desc and internal keys, wraps new keys, edits inside value', () => {
  const stored: Record<string, unknown> = {
    lr: { value: 0.1, desc: 'learning rate' },
    opt: { value: { name: 'adam', beta: 0.9 }, desc: null },
    bare: 5,
    scalar: { value: 3, desc: null },
    _wandb: { value: { cli_version: '0.17.0' } },
    wandb_version: 1,
  }
  applyConfigEdits(stored, [
    { op: 'set', path: ['lr'], value: 0.2 },
    { op: 'set', path: ['new'], value: [1] },
    { op: 'set', path: ['opt', 'beta'], value: 0.99 },
    { op: 'delete', path: ['opt', 'name'] },
    { op: 'set', path: ['bare', 'x'], value: 1 },
    { op: 'delete', path: ['scalar', 'inner'] },
    { op: 'delete', path: ['absent', 'inner'] },
  ])
  assert.deepEqual(stored, {
    lr: { value: 0.2, desc: 'learning rate' },
    opt: { value: { beta: 0.99 }, desc: null },
    bare: { value: { x: 1 }, desc: null },
    scalar: { value: 3, desc: null },
    _wandb: { value: { cli_version: '0.17.0' } },
    wandb_version: 1,
    new: { value: [1], desc: null },
  })
  applyConfigEdits(stored, [{ op: 'delete', path: ['new'] }])
  assert.equal(Object.hasOwn(stored, 'new'), false)
})

test('applyConfigEdits copies the value it stores', () => {
  const stored: Record<string, unknown> = {}
  const value = { a: 1 }
  applyConfigEdits(stored, [{ op: 'set', path: ['k'], value }])
  value.a = 2
  assert.deepEqual(stored.k, { value: { a: 1 }, desc: null })
})

test('internal keys are refused by name and nothing is written', () => {
  const stored: Record<string, unknown> = { lr: { value: 1, desc: null } }
  const edits = [
    { op: 'set' as const, path: ['lr'], value: 2 },
    { op: 'set' as const, path: ['_wandb', 'x'], value: 1 },
  ]
  assert.throws(() => applyConfigEdits(stored, edits), {
    name: 'TypeError',
    message:
      'Cannot write config key _wandb.x: it is internal to W&B and wbx never writes it; edit user keys only',
  })
  assert.deepEqual(stored, { lr: { value: 1, desc: null } })
  assert.throws(
    () => assertUserConfigEdits([{ op: 'delete', path: ['wandb_version'] }]),
    /wandb_version/,
  )
  assert.doesNotThrow(() => assertUserConfigEdits([{ op: 'delete', path: ['user'] }]))
})
