import { test } from 'node:test'
import assert from 'node:assert/strict'
import { configCommand } from '../../../src/cli/commands/config.ts'
import type { OptionValues } from '../../../src/cli/command.ts'
import { runInProcess } from './_in_process.ts'

const config = (values: OptionValues) => runInProcess(configCommand, values)

test('wbx config prints the user config as indented JSON', async () => {
  const { code, out } = await config({})
  assert.equal(code, 0)
  assert.equal(
    out,
    JSON.stringify(
      { lr: 0.05, batch_size: 64, optimizer: { name: 'sgd', momentum: 0.9 } },
      null,
      2,
    ) +
      '\n',
  )
})

test('wbx config --raw prints the stored form with _wandb', async () => {
  const raw = JSON.parse((await config({ raw: true })).out)
  assert.deepEqual(Object.keys(raw), ['_wandb', 'lr', 'batch_size', 'optimizer'])
  assert.equal(raw._wandb.cli_version, '0.31.0')
  assert.equal(raw._wandb.python_version, '3.11.7')
  assert.equal(raw.lr, 0.05)
})

test('wbx config --format csv exports one row with flattened keys', async () => {
  const { out } = await config({ format: 'csv' })
  const [header, row] = out.trimEnd().split('\n')
  assert.deepEqual(header.split(','), ['lr', 'batch_size', 'optimizer.name', 'optimizer.momentum'])
  assert.equal(row, '0.05,64,sgd,0.9')
})
