import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CoreMetrics, LegacyMetrics } from '../../src/local/config_metrics.ts'
import type { MetricRecord } from '../../src/local/record_types.ts'

function metric(fields: Partial<MetricRecord>): MetricRecord {
  return {
    name: '',
    globName: '',
    stepMetric: '',
    hidden: false,
    summary: [],
    goal: 'unset',
    stepMetricIndex: 0,
    overwrite: false,
    expandedFromGlob: false,
    ...fields,
  }
}

describe('LegacyMetrics', () => {
  it('legacy writer: globs define the history keys they match, step metrics by index', () => {
    const m = new LegacyMetrics()
    m.define(metric({ name: 'trainer/global_step', optionFields: [3] }))
    m.define(metric({ globName: '*', stepMetric: 'trainer/global_step', optionFields: [1, 3] }))
    m.history({
      items: [
        { path: ['trainer/global_step'], valueJson: '1' },
        { path: ['_step'], valueJson: '0' },
        { path: ['loss'], valueJson: '0.5' },
        { path: ['img'], valueJson: '{"_type": "image-file", "a.b": 1}' },
      ],
    })
    assert.deepEqual(m.encoded(), [
      { 1: 'trainer/global_step', 6: [3] },
      { 1: 'loss', 5: 1, 6: [1] },
      { 1: 'img._type', 5: 1, 6: [1] },
      { 1: 'img.a\\.b', 5: 1, 6: [1] },
    ])
  })

  it('defines an undefined step metric first and re-encodes a redefinition in place', () => {
    const m = new LegacyMetrics()
    m.define(metric({ name: 'acc', stepMetric: 'epoch' }))
    m.define(metric({ name: 'acc', summaryFields: [2] }))
    m.define(metric({ name: 'loss', goal: 'minimize' }))
    assert.deepEqual(m.encoded(), [{ 1: 'epoch' }, { 1: 'acc', 5: 1, 7: [2] }, { 1: 'loss', 8: 1 }])
  })
})

describe('CoreMetrics', () => {
  it("merges definitions of a name unless one overwrites, keeping core's summary flags only", () => {
    const m = new CoreMetrics()
    m.define(metric({ name: 'acc', summaryFields: [1, 4] }))
    m.define(metric({ name: 'acc', summaryFields: [2], optionFields: [2] }))
    m.define(metric({ name: 'loss', summaryFields: [5] }))
    m.define(metric({ name: 'loss', summaryFields: [3], overwrite: true }))
    m.define(metric({ stepMetric: 'x' })) // an explicit x axis alone defines nothing
    assert.deepEqual(m.encoded(), [
      { 1: 'acc', 6: [2, 3], 7: [1, 2] },
      { 1: 'loss', 6: [3], 7: [3] },
    ])
  })
})
