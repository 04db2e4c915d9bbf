import { it } from 'node:test'
import assert from 'node:assert/strict'
import { isProjectPath } from '../../src/cli/report_sources.ts'

it('tells a project from a run: entity/project and project URLs are projects', () => {
  assert.ok(isProjectPath('team/proj'))
  assert.ok(isProjectPath('team/proj/'))
  assert.ok(isProjectPath('https://wandb.ai/team/proj'))
  assert.ok(isProjectPath('https://wandb.ai/team/proj/workspace'))
  assert.ok(!isProjectPath('team/proj/abc123'))
  assert.ok(!isProjectPath('https://wandb.ai/team/proj/runs/abc123'))
  assert.ok(!isProjectPath('proj'))
})
