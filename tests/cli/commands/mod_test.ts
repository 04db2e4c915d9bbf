import { test } from 'node:test'
import assert from 'node:assert/strict'
import { commands } from '../../../src/cli/commands/mod.ts'
import { helpOption } from '../../../src/cli/command.ts'

test('every command has a unique name, a summary, a usage and runnable code', () => {
  const names = commands.map((c) => c.name)
  assert.equal(new Set(names).size, names.length)
  for (
    const name of [
      'history',
      'system',
      'summary',
      'config',
      'info',
      'logs',
      'files',
      'artifacts',
      'runs',
      'export',
      'report',
      'plot',
      'verify',
      'run',
      'upload',
      'login',
    ]
  ) assert.ok(names.includes(name), `no ${name} command`)
  for (const c of commands) {
    assert.ok(c.summary.length > 0 && !c.summary.includes('\n'), c.name)
    assert.ok(c.usage.length > 0, c.name)
    assert.equal(typeof c.run, 'function', c.name)
  }
})

test('no command reuses a short flag or shadows --help/-h', () => {
  for (const c of commands) {
    const shorts = Object.values(c.options).map((o) => o.short).filter(Boolean)
    assert.equal(new Set(shorts).size, shorts.length, `${c.name}: duplicate short flag`)
    assert.ok(!shorts.includes(helpOption.help.short), `${c.name}: -h is taken`)
    assert.ok(!Object.hasOwn(c.options, 'help'), `${c.name}: --help is taken`)
    for (const [name, spec] of Object.entries(c.options)) {
      assert.match(name, /^[a-z][a-z0-9-]*$/, `${c.name}: option --${name}`)
      assert.ok(spec.description.length > 0, `${c.name}: --${name} has no description`)
    }
  }
})
