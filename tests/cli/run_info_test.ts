import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { runInfo } from '../../src/cli/run_info.ts'
import { LocalRun } from '../../src/local/local_run.ts'

const sample = fileURLToPath(new URL('../../samples/wandb/latest-run', import.meta.url))

test('runInfo gives the wbx info document of a local run in snake_case', async () => {
  const run = await LocalRun.open(sample)
  const info = runInfo(run)
  assert.equal(info.id, 'wbxdemo1')
  assert.equal(info.display_name, 'demo-sgd-300')
  assert.equal(info.exit_code, 0)
  assert.equal(info.history_line_count, 300)
  assert.equal(info.last_history_step, 299)
  assert.deepEqual(info.history_keys, Object.keys(run.historyKeys.keys))
  assert.ok((info.history_keys as string[]).includes('train.loss'))
  assert.deepEqual(info.folders, run.segments.map((s) => s.folder))
  assert.equal(info.damaged, false)
  assert.equal(info.cli_version, '0.31.0')
})
