import { it } from 'node:test'
import assert from 'node:assert/strict'
import { isProjectPath, runSourceReport } from '../../src/cli/report_sources.ts'
import { readerSource } from '../../src/cli/reader_source.ts'
import { memoryReader } from '../source/_memory_reader.ts'

it('tells a project from a run: entity/project and project URLs are projects', () => {
  assert.ok(isProjectPath('team/proj'))
  assert.ok(isProjectPath('team/proj/'))
  assert.ok(isProjectPath('https://wandb.ai/team/proj'))
  assert.ok(isProjectPath('https://wandb.ai/team/proj/workspace'))
  assert.ok(!isProjectPath('team/proj/abc123'))
  assert.ok(!isProjectPath('https://wandb.ai/team/proj/runs/abc123'))
  assert.ok(!isProjectPath('proj'))
})

it("a run source's report facts read the info document's snake_case keys", async () => {
  const reader = {
    ...memoryReader('r1', [{ _step: 0, a: 1 }], {}),
    name: 'nice-run',
    createdAt: '2026-11-28T07:29:08Z',
    jobType: 'train',
    group: 'g1',
  }
  const report = await runSourceReport(readerSource(reader), new AbortController().signal)
  assert.equal(report.facts.name, 'nice-run')
  assert.equal(report.facts.createdAt, '2026-11-28T07:29:08Z')
  assert.equal(report.facts.jobType, 'train')
  assert.equal(report.facts.group, 'g1')
})
