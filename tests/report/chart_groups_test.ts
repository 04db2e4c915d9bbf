import { it } from 'node:test'
import assert from 'node:assert/strict'
import { historySection, systemChartKey, systemSection } from '../../src/report/chart_groups.ts'

it('history keys group by the prefix before / (else before .), the rest under Charts', () => {
  assert.equal(historySection('train/loss'), 'train')
  assert.equal(historySection('val/acc/top1'), 'val')
  assert.equal(historySection('train.acc'), 'train')
  assert.equal(historySection('loss'), 'Charts')
})

it('per-device system keys share a chart; sections by what they measure', () => {
  assert.equal(systemChartKey('system.gpu.0.gpu'), 'system.gpu.*.gpu')
  assert.equal(systemChartKey('system.gpu.process.1.memory'), 'system.gpu.process.*.memory')
  assert.equal(systemChartKey('system.cpu.12.cpu_percent'), 'system.cpu.*.cpu_percent')
  assert.equal(systemChartKey('system.disk./.usageGB'), 'system.disk./.usageGB')
  assert.equal(systemSection('system.gpu.*.gpu'), 'System: GPU')
  assert.equal(systemSection('system.proc.cpu.threads'), 'System: CPU')
  assert.equal(systemSection('system.proc.memory.rssMB'), 'System: memory')
  assert.equal(systemSection('system.memory_percent'), 'System: memory')
  assert.equal(systemSection('system.network.sent'), 'System: network')
  assert.equal(systemSection('system.disk.vda.in'), 'System: disk')
  assert.equal(systemSection('system.tpu.0.dutyCycle'), 'System: GPU')
  assert.equal(systemSection('system.powerWatts'), 'System')
})
