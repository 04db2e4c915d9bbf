import { test } from 'node:test'
import assert from 'node:assert/strict'
import { filesCommand } from '../../../src/cli/commands/files.ts'
import { FILE_COLUMNS } from '../../../src/source/rows.ts'
import { runInProcess } from './_in_process.ts'

test('wbx files lists the run files in the snake_case file vocabulary', async () => {
  const { code, out } = await runInProcess(filesCommand, { quiet: true })
  assert.equal(code, 0)
  const rows = out.trimEnd().split('\n').map((line) => JSON.parse(line))
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]))
  assert.equal(byName['output.log'].size_bytes, 45)
  assert.equal(byName['output.log'].mimetype, 'text/plain')
  assert.equal(byName['output.log'].present, true)
  assert.equal(byName['requirements.txt'].policy, 'now')
  assert.equal(byName['requirements.txt'].size_bytes, 14)
  assert.deepEqual(Object.keys(rows[0]), [...FILE_COLUMNS])
})
