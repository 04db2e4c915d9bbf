import { test } from 'node:test'
import assert from 'node:assert/strict'
import { summaryCommand } from '../../../src/cli/commands/summary.ts'
import { runInProcess } from './_in_process.ts'

test('wbx summary prints the run summary as JSON when stdout is not a terminal', async () => {
  const { code, out } = await runInProcess(summaryCommand, {})
  assert.equal(code, 0)
  const summary = JSON.parse(out)
  assert.equal(summary._step, 299)
  assert.equal(summary.best_val_loss, 0.052)
  assert.equal(summary.lr, 0.0024768128318831176)
  assert.equal(summary.train.acc, 0.965204923883184)
  assert.equal(summary['val/loss'], 0.14841725922598314)
})

test('wbx summary --format csv exports one row with flattened keys', async () => {
  const { out } = await runInProcess(summaryCommand, { format: 'csv' })
  const [header, row] = out.trimEnd().split('\n')
  const cells = Object.fromEntries(header.split(',').map((k, i) => [k, row.split(',')[i]]))
  assert.equal(cells._step, '299')
  assert.equal(cells['train.loss'], '0.10438522835044804')
  assert.equal(cells.best_val_loss, '0.052')
})
