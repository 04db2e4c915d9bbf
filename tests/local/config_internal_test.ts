import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  internalConfig,
  type InternalConfigFacts,
  mergeTelemetry,
} from '../../src/local/config_internal.ts'
import { CoreMetrics, LegacyMetrics } from '../../src/local/config_metrics.ts'
import type { MetricRecord, TelemetryDict } from '../../src/local/record_types.ts'

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

function coreOf(records: MetricRecord[]): CoreMetrics {
  const m = new CoreMetrics()
  for (const rec of records) m.define(rec)
  return m
}

function facts(over: Partial<InternalConfigFacts>): InternalConfigFacts {
  return {
    writer: 'legacy',
    coreVersion: '',
    telemetry: {},
    coreMetrics: new CoreMetrics(),
    legacyMetrics: new LegacyMetrics(),
    lastRunStart: undefined,
    environment: undefined,
    ...over,
  }
}

describe('internalConfig', () => {
  it('merges telemetry like protobuf MergeFrom: flags add up, strings and labels update', () => {
    const t: TelemetryDict = {}
    mergeTelemetry(t, { 1: [5, 1], 4: '3.10', 9: { 1: 'a' } })
    mergeTelemetry(t, { 1: [3], 4: '', 5: '0.13.6', 9: { 2: 'b' } })
    assert.deepEqual(t, { 1: [1, 3, 5], 4: '3.10', 5: '0.13.6', 9: { 1: 'a', 2: 'b' } })
  })

  it('legacy writer: framework by priority, jupyter/kaggle flags, start_time by SDK era', () => {
    const start = { seconds: 1670395922, nanos: 20708000 }
    const t = { 1: [1, 9], 2: [1, 9], 4: '3.10.8', 5: '0.13.6', 8: [2, 5] }
    const out = internalConfig(facts({ telemetry: t, lastRunStart: start }), {
      code_path: 'code/x.py',
    })
    assert.deepEqual(out, {
      code_path: 'code/x.py',
      python_version: '3.10.8',
      cli_version: '0.13.6',
      framework: 'lightning',
      is_jupyter_run: false,
      is_kaggle_kernel: true,
      start_time: 1670395922.020708,
      t,
    })
    const later = internalConfig(facts({ telemetry: { 5: '0.17.1' }, lastRunStart: start }), {})
    assert.equal(later.start_time, 1670395922)
    const early = internalConfig(facts({ telemetry: { 5: '0.10.15' }, lastRunStart: start }), {})
    assert.equal('start_time' in early, false)
  })

  it('wandb-core: core version as t.12, every definition with options and summary lists, globs last', () => {
    // `defined` (option 3) is set for named definitions only, whatever the record said.
    const out = internalConfig(
      facts({
        writer: 'core',
        coreVersion: '0.21.4',
        telemetry: { 4: '3.10', 5: '0.21.4' },
        coreMetrics: coreOf([
          metric({ globName: '*', stepMetric: 'train/global_step', optionFields: [1, 3] }),
          metric({ name: 'acc', summaryFields: [2, 6], goal: 'maximize' }),
        ]),
        environment: { writerId: 'w1', host: 'h' } as never,
      }),
      undefined,
    )
    assert.deepEqual(out, {
      cli_version: '0.21.4',
      python_version: '3.10',
      t: { 4: '3.10', 5: '0.21.4', 12: '0.21.4' },
      m: [
        { 1: 'acc', 6: [3], 7: [2, 6], 8: 2 },
        { 2: '*', 5: 3, 6: [1], 7: [] },
        { 1: 'train/global_step', 6: [], 7: [] },
      ],
      e: { w1: { writerId: 'w1', host: 'h' } },
    })
  })
})
