import { it } from 'node:test'
import assert from 'node:assert/strict'
import { configDiff } from '../../src/report/config_diff.ts'

it('lists flattened config keys that differ or are missing in some run', () => {
  assert.deepEqual(
    configDiff([
      { lr: 0.1, opt: { name: 'sgd', momentum: 0.9 }, seed: 1, layers: [1, 2] },
      { lr: 0.2, opt: { name: 'sgd', momentum: 0.9 }, seed: 1, layers: [1, 2], extra: true },
      { lr: 0.1, opt: { name: 'adam', momentum: 0.9 }, seed: 1, layers: [1, 3] },
    ]),
    ['extra', 'layers', 'lr', 'opt.name'],
  )
  assert.deepEqual(configDiff([{ lr: 1 }]), [])
  assert.deepEqual(configDiff([{ x: NaN }, { x: NaN }]), [])
})
