import { test } from 'node:test'
import assert from 'node:assert/strict'
import { commandHelp, mainHelp } from '../../src/cli/help.ts'
import type { Command } from '../../src/cli/command.ts'
import { VERSION } from '../../src/version.ts'

const cmd = (name: string, summary: string, extra: Partial<Command> = {}): Command => ({
  name,
  summary,
  usage: '<source>',
  options: {},
  run: () => Promise.resolve(0),
  ...extra,
})

test('mainHelp lists every command with aligned summaries and the version', () => {
  const text = mainHelp([cmd('history', 'Stream history rows'), cmd('ls', 'List runs')])
  const lines = text.split('\n')
  assert.equal(
    lines[0],
    `wbx ${VERSION}: stream Weights & Biases run data to NDJSON, CSV or Parquet`,
  )
  assert.ok(lines.includes('  history  Stream history rows'), text)
  assert.ok(lines.includes('  ls       List runs'), text)
  assert.match(text, /Exit codes: 0 success, 1 failure, 2 bad usage, 130 interrupted\./)
  assert.ok(text.endsWith('\n'))
})

test('commandHelp shows usage, details and each flag with its value name and repeats', () => {
  const text = commandHelp(cmd('history', 'Stream history rows', {
    details: 'Rows go to stdout.',
    options: {
      keys: { type: 'string', multiple: true, valueName: 'k1,k2', description: 'Only these keys' },
      output: { type: 'string', short: 'o', description: 'Output file' },
      quiet: { type: 'boolean', short: 'q', description: 'No progress' },
    },
  }))
  assert.equal(
    text,
    [
      'Usage: wbx history <source>',
      '',
      'Stream history rows',
      '',
      'Rows go to stdout.',
      '',
      'Options:',
      '      --keys <k1,k2> ...  Only these keys',
      '  -o, --output <value>    Output file',
      '  -q, --quiet             No progress',
      '',
    ].join('\n'),
  )
})
