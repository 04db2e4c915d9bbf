import { test } from 'node:test'
import assert from 'node:assert/strict'
import { closest, editDistance } from '../../src/cli/did_you_mean.ts'
import { runCli } from './_run_cli.ts'

const SAMPLE = 'samples/wandb/latest-run'
const USAGE = /Usage: wbx history <source>/

test('editDistance counts insertions, deletions, substitutions and transpositions', () => {
  assert.equal(editDistance('history', 'history'), 0)
  assert.equal(editDistance('histroy', 'history'), 1)
  assert.equal(editDistance('hstory', 'history'), 1)
  assert.equal(editDistance('historyy', 'history'), 1)
  assert.equal(editDistance('mistory', 'history'), 1)
  assert.equal(editDistance('', 'abc'), 3)
})

test('closest prefers a unique prefix, else the nearest name within reach', () => {
  const names = ['history', 'system', 'summary', 'logs', 'login']
  assert.equal(closest('hist', names), 'history')
  assert.equal(closest('sumary', names), 'summary')
  assert.equal(closest('lgos', names), 'logs')
  assert.equal(closest('xyzzy', names), undefined)
  assert.equal(closest('', names), undefined)
})

test('an unknown command gets a did-you-mean and the usage, exit 2', async () => {
  const r = await runCli(['histroy', SAMPLE])
  assert.equal(r.code, 2)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /^wbx: Unknown command "histroy"; did you mean "wbx history"\?\n/)
  assert.match(r.stderr, /Usage: wbx <command> \[options\]/)
  const far = await runCli(['frobnicate'])
  assert.equal(far.code, 2)
  assert.match(far.stderr, /Unknown command "frobnicate"; run "wbx --help" for the list/)
})

test('a mistyped long option gets a did-you-mean and the command usage, not parseArgs text', async () => {
  const r = await runCli(['history', SAMPLE, '--max-stp', '3'])
  assert.equal(r.code, 2)
  assert.match(r.stderr, /^wbx: Unknown option --max-stp; did you mean --max-step\?\n/)
  assert.match(r.stderr, USAGE)
  assert.doesNotMatch(r.stderr, /positional argument|ERR_PARSE_ARGS|To specify/)
  const eq = await runCli(['history', SAMPLE, '--formt=csv'])
  assert.match(eq.stderr, /Unknown option --formt; did you mean --format\?/)
  const negated = await runCli(['history', SAMPLE, '--no-flaten'])
  assert.match(negated.stderr, /did you mean --no-flatten\?/)
})

test('an unknown short option, a missing value and a value for a switch are usage errors', async () => {
  const short = await runCli(['history', SAMPLE, '-x'])
  assert.equal(short.code, 2)
  assert.match(short.stderr, /^wbx: Unknown option -x\n/)
  assert.match(short.stderr, USAGE)
  const missing = await runCli(['history', SAMPLE, '--min-step'])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /^wbx: Option --min-step needs a value \(<N>\)\n/)
  const flag = await runCli(['history', SAMPLE, '--quiet=yes'])
  assert.equal(flag.code, 2)
  assert.match(flag.stderr, /^wbx: Option --quiet takes no value\n/)
})

test('--min-step at or above --max-step is a usage error before any work', async () => {
  const r = await runCli(['history', SAMPLE, '--min-step', '10', '--max-step', '5'])
  assert.equal(r.code, 2)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /--min-step 10 is not below --max-step 5 \(exclusive\)/)
  assert.match(r.stderr, USAGE)
  const equal = await runCli(['history', SAMPLE, '--min-step', '5', '--max-step', '5'])
  assert.equal(equal.code, 2)
  const ok = await runCli(['history', SAMPLE, '--min-step', '5', '--max-step', '7'])
  assert.equal(ok.code, 0, ok.stderr)
  assert.equal(ok.stdout.trim().split('\n').length, 2)
})

test('wbx help for an unknown topic suggests the nearest one', async () => {
  const r = await runCli(['help', 'enviroment'])
  assert.equal(r.code, 2)
  assert.match(r.stderr, /No help for "enviroment"; did you mean "environment"\?/)
})

test('top-level option typos and run subcommand typos get a suggestion too', async () => {
  const version = await runCli(['--verison'])
  assert.equal(version.code, 2)
  assert.match(version.stderr, /^wbx: Unknown option --verison; did you mean --version\?/)
  const sub = await runCli(['run', 'sett', 'a/b/c'])
  assert.equal(sub.code, 2)
  assert.match(
    sub.stderr,
    /Unknown subcommand "sett"; did you mean "wbx run set"\? use set, create/,
  )
  assert.match(sub.stderr, /Usage: wbx run /)
})
