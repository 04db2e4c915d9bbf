import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { logsCommand } from '../../../src/cli/commands/logs.ts'
import { runInProcess, SAMPLE_RUN } from './_in_process.ts'

test('wbx logs prints the console output as the SDK wrote output.log', async () => {
  const { code, out } = await runInProcess(logsCommand, { quiet: true })
  assert.equal(code, 0)
  assert.equal(out, 'training 100% step 300\nvalidation loss 0.052\n')
  assert.equal(out, readFileSync(join(SAMPLE_RUN, 'files', 'output.log'), 'utf8'))
})
