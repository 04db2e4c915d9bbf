import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigReplay } from '../../src/local/config_replay.ts'
import type { UpdateRecord } from '../../src/local/record_types.ts'
import { readRecords } from '../../src/local/read_records.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const skip = skipWithoutSharedFixtures

/** Replays a fixture's run record configs and config records. */
async function replay(relative: string): Promise<ConfigReplay> {
  const c = new ConfigReplay()
  for await (
    const batch of readRecords(sharedFixture(relative), { types: new Set(['run', 'config']) })
  ) {
    for (const rec of batch) {
      if (rec.type === 'run' && rec.run.config) c.apply(rec.run.config)
      if (rec.type === 'config') c.apply(rec.config)
    }
  }
  return c
}

const LEET = 'wandb-leet-fixtures/wandb/'

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

describe('configs of real logs', () => {
  it(
    '2021 legacy run: only _wandb, so config is empty and rawconfig holds code_path',
    { skip },
    async () => {
      const c = await replay('wandb-offline-run-2021/run-g9dvvkua.wandb')
      assert.deepEqual(c.config(), {})
      assert.deepEqual(c.rawconfig(), {
        _wandb: { code_path: 'code/standalone_tests/code-toad.py' },
      })
    },
  )

  it('tiny0001: the five logged values', { skip }, async () => {
    const c = await replay(
      `${LEET}single-tiny/wandb/run-20260102_030405-tiny0001/run-tiny0001.wandb`,
    )
    assert.deepEqual(c.config(), {
      batch_size: 32,
      epochs: 5,
      lr: 0.001,
      optimizer: 'adam',
      seed: 1234,
    })
  })

  it('uni00001: CJK keys and emoji values', { skip }, async () => {
    const c = await replay(
      `${LEET}edge-unicode/wandb/run-20260102_030405-uni00001/run-uni00001.wandb`,
    )
    assert.deepEqual(c.config(), { 描述: '值', '模型/名字': '变形金刚🤖' })
  })

  it('wm1plain: lr and run_index', { skip }, async () => {
    const c = await replay(
      `${LEET}workspace-multi/wandb/run-20260102_030005-wm1plain/run-wm1plain.wandb`,
    )
    assert.equal(c.config().lr, 0.001)
    assert.equal(c.config().run_index, 1)
  })

  it('compat logs: no config at all', { skip }, async () => {
    const c = await replay(
      'wandb-compat-logs-synthesized/offline-run-old_auto_steps/run-old_auto_steps.wandb',
    )
    assert.deepEqual(c.rawconfig(), {})
  })
})
