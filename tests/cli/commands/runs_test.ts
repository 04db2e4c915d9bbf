import { test } from 'node:test'
import assert from 'node:assert/strict'
import { dirname } from 'node:path'
import { runsCommand } from '../../../src/cli/commands/runs.ts'
import { RUN_TABLE_COLUMNS } from '../../../src/source/rows.ts'
import { runInProcess, SAMPLE_RUN } from './_in_process.ts'

test('wbx runs lists the runs of a wandb/ folder, the run table columns first', async () => {
  const { code, out } = await runInProcess(runsCommand, { quiet: true }, [dirname(SAMPLE_RUN)])
  assert.equal(code, 0)
  const rows = out.trimEnd().split('\n').map((line) => JSON.parse(line))
  assert.equal(rows.length, 1)
  const [run] = rows
  assert.deepEqual(Object.keys(run).slice(0, RUN_TABLE_COLUMNS.length), [...RUN_TABLE_COLUMNS])
  assert.equal(run.run_id, 'wbxdemo1')
  assert.equal(run.name, 'demo-sgd-300')
  assert.equal(run.state, 'finished')
  assert.deepEqual(run.tags, ['demo', 'sgd'])
  assert.equal(run.project, 'wbx-demo')
  assert.equal(run.exit_code, 0)
  assert.equal(run.damaged, false)
  assert.match(run.wandb_file, /offline-run-20261128_072908-wbxdemo1[\\/]run-wbxdemo1\.wandb$/)
})
