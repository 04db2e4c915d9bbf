import { test } from 'node:test'
import assert from 'node:assert/strict'
import { historyCommand } from '../../../src/cli/commands/history.ts'
import { runInProcess } from './_in_process.ts'

test('wbx history streams every row of the sample run as NDJSON', async () => {
  const { code, out } = await runInProcess(historyCommand, { quiet: true })
  assert.equal(code, 0)
  const rows = out.trimEnd().split('\n').map((line) => JSON.parse(line))
  assert.equal(rows.length, 300)
  assert.deepEqual(rows.map((r) => r._step), Array.from({ length: 300 }, (_, i) => i))
  assert.equal(rows[0].lr, 0.05)
})

test('wbx history --format csv writes the historyKeys columns, _step first', async () => {
  const { out } = await runInProcess(historyCommand, { format: 'csv', quiet: true })
  const lines = out.split('\n')
  assert.equal(lines[0], '_step,lr,val/loss,_timestamp,_runtime,train.acc,train.loss')
  assert.ok(lines[2].startsWith('1,0.0495,,'), lines[2])
})

test('wbx history --keys with a step range keeps the keys asked and names a missing one', async () => {
  const { out, err } = await runInProcess(historyCommand, {
    keys: ['train.loss,nope'],
    'min-step': '10',
    'max-step': '12',
    quiet: true,
  })
  assert.equal(
    out,
    '{"_step":10,"train.loss":2.2097350276402197}\n{"_step":11,"train.loss":2.1833715256600876}\n',
  )
  assert.match(err, /keys never logged in this run: nope \(only steps ≥ 10 and < 12 were read\)/)
})
