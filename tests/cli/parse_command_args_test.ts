import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseCommandArgs } from '../../src/cli/parse_command_args.ts'
import type { Command } from '../../src/cli/command.ts'

const command: Command = {
  name: 'history',
  summary: '',
  usage: '',
  options: {
    keys: { type: 'string', multiple: true, valueName: 'k1,k2', description: '' },
    'min-step': { type: 'string', valueName: 'n', description: '' },
    quiet: { type: 'boolean', short: 'q', description: '' },
    output: { type: 'string', short: 'o', description: '' },
  },
  run: () => Promise.resolve(0),
}

const fails = (args: string[], message: string) =>
  assert.throws(() => parseCommandArgs(command, args), {
    name: 'UsageError',
    message,
    command: 'history',
  })

test('parseCommandArgs reads options, repeats, shorts, negations and positionals', () => {
  const parsed = parseCommandArgs(command, [
    'run1',
    '--keys',
    'a',
    '--keys=b',
    '-q',
    '-o',
    'x.csv',
    '--min-step',
    '5',
    '--no-quiet',
  ])
  assert.deepEqual(parsed.positionals, ['run1'])
  assert.deepEqual(parsed.values.keys, ['a', 'b'])
  assert.equal(parsed.values['min-step'], '5')
  assert.equal(parsed.values.output, 'x.csv')
  assert.equal(parsed.values.quiet, false)
  assert.equal(parseCommandArgs(command, ['-h']).values.help, true)
})

test('parseCommandArgs suggests the closest option for a mistyped one', () => {
  fails(['--kyes', 'a'], 'Unknown option --kyes; did you mean --keys?')
  fails(['--no-quite'], 'Unknown option --no-quite; did you mean --no-quiet?')
  fails(['--zzzzzzzz'], 'Unknown option --zzzzzzzz')
  fails(['-Q'], 'Unknown option -Q; did you mean --quiet?')
})

test('parseCommandArgs names an option missing its value or given one it does not take', () => {
  fails(['--min-step'], 'Option --min-step needs a value (<n>)')
  fails(['--quiet=yes'], 'Option --quiet takes no value')
})
