import { test } from 'node:test'
import assert from 'node:assert/strict'
import { infoCommand } from '../../../src/cli/commands/info.ts'
import { runInProcess } from './_in_process.ts'

test('wbx info prints the run attributes in the snake_case vocabulary', async () => {
  const { code, out } = await runInProcess(infoCommand, {})
  assert.equal(code, 0)
  const info = JSON.parse(out)
  assert.equal(info.id, 'wbxdemo1')
  assert.equal(info.name, 'demo-sgd-300')
  assert.equal(info.project, 'wbx-demo')
  assert.equal(info.state, 'finished')
  assert.equal(info.exit_code, 0)
  assert.equal(info.created_at, '2026-11-28T07:29:08Z')
  assert.deepEqual(info.tags, ['demo', 'sgd'])
  assert.equal(info.notes, 'Sample run bundled with wbx')
  assert.equal(info.host, 'vm')
  assert.equal(info.group, null)
  assert.equal(Object.hasOwn(info, 'displayName'), false)
})
