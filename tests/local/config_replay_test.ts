import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigReplay } from '../../src/local/config_replay.ts'
import type { UpdateRecord } from '../../src/local/record_types.ts'

function upd(update: [string[], string][], remove: string[][] = []): UpdateRecord {
  return {
    update: update.map(([path, valueJson]) => ({ path, valueJson })),
    remove: remove.map((path) => ({ path, valueJson: '' })),
  }
}

describe('ConfigReplay', () => {
  it('applies the run record config then config records in order', () => {
    const c = new ConfigReplay()
    c.apply(upd([[['lr'], '0.001'], [['opt'], '"adam"'], [['_wandb'], '{"code_path": "x.py"}']]))
    c.apply(upd([[['lr'], '0.01'], [['epochs'], '5']]))
    c.apply(upd([], [['opt']]))
    assert.deepEqual(c.config(), { lr: 0.01, epochs: 5 })
    assert.deepEqual(c.rawconfig(), { _wandb: { code_path: 'x.py' }, lr: 0.01, epochs: 5 })
    assert.deepEqual(Object.keys(c.rawconfig()), ['_wandb', 'lr', 'epochs'])
  })

  it('excludes _wandb and wandb_version from config but keeps them first in rawconfig', () => {
    const c = new ConfigReplay()
    c.apply(upd([[['a'], '1'], [['wandb_version'], '1'], [['_wandb'], '{}']]))
    assert.deepEqual(c.config(), { a: 1 })
    assert.deepEqual(Object.keys(c.rawconfig()), ['_wandb', 'wandb_version', 'a'])
  })

  it('keeps a user dict with a value key as logged (the API shows it that way after sync)', () => {
    const c = new ConfigReplay()
    c.apply(upd([[['opt'], '{"value": 3, "name": "x"}']]))
    assert.deepEqual(c.config(), { opt: { value: 3, name: 'x' } })
  })

  it('updates and removes nested paths', () => {
    const c = new ConfigReplay()
    c.apply(upd([[['model'], '{"layers": 2, "act": "relu"}']]))
    c.apply(upd([[['model', 'layers'], '4']], [['model', 'act']]))
    assert.deepEqual(c.config(), { model: { layers: 4 } })
  })

  it('replaces dict values by default (legacy writer) and merges them with mergeDicts (core)', () => {
    const legacy = new ConfigReplay()
    const core = new ConfigReplay({ mergeDicts: true })
    for (const c of [legacy, core]) {
      c.apply(upd([[['opt'], '{"lr": 1, "beta": {"a": 1}}']]))
      c.apply(upd([[['opt'], '{"mom": 2, "beta": {"b": 2}}']]))
      c.apply(upd([[['empty'], '{}']]))
    }
    assert.deepEqual(legacy.config(), { opt: { mom: 2, beta: { b: 2 } }, empty: {} })
    assert.deepEqual(core.config(), { opt: { lr: 1, beta: { a: 1, b: 2 }, mom: 2 } })
  })

  it('keeps unicode keys and values', () => {
    const c = new ConfigReplay()
    c.apply(upd([[['描述'], '"值"'], [['模型/名字'], '"变形金刚🤖"']]))
    assert.deepEqual(c.config(), { 描述: '值', '模型/名字': '变形金刚🤖' })
  })
})
