import { test } from 'node:test'
import assert from 'node:assert/strict'
import { systemCommand } from '../../../src/cli/commands/system.ts'
import { runInProcess } from './_in_process.ts'

test('wbx system prints one NDJSON row per system-metrics sample', async () => {
  const { code, out } = await runInProcess(systemCommand, { quiet: true })
  assert.equal(code, 0)
  const rows = out.trimEnd().split('\n').map((line) => JSON.parse(line))
  assert.equal(rows.length, 10)
  assert.equal(rows[0]._timestamp, 1795850948.7592332)
  assert.equal(rows[1]['system.cpu'], 11.320755004882812)
  for (const row of rows) assert.equal(typeof row['system.memory_percent'], 'number')
})
