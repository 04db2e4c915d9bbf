import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  deleteAt,
  describeChanges,
  keyPath,
  parseAssignment,
  parseValue,
  valueAt,
} from '../../src/cli/key_values.ts'
import { setPath } from '../../src/json/json_edit.ts'

test('keyPath splits dotted keys and names a key with an empty part', () => {
  assert.deepEqual(keyPath('a.b.c', 'config'), ['a', 'b', 'c'])
  for (const bad of ['a..b', '.a', 'a.', ' ']) {
    assert.throws(() => keyPath(bad, 'config'), {
      name: 'UsageError',
      message: `--config key "${bad}" has an empty part; use a.b.c`,
    })
  }
})

test('parseValue reads JSON when it parses and keeps other text as a string', () => {
  assert.equal(parseValue('3'), 3)
  assert.equal(parseValue('true'), true)
  assert.equal(parseValue('null'), null)
  assert.ok(Number.isNaN(parseValue('NaN')))
  assert.deepEqual(parseValue('[1,"x"]'), [1, 'x'])
  assert.equal(parseValue('"quoted"'), 'quoted')
  assert.equal(parseValue('adam'), 'adam')
  assert.equal(parseValue('{broken'), '{broken')
})

test('parseAssignment splits at the first = and refuses a missing key', () => {
  assert.deepEqual(parseAssignment('opt.lr=0.1', 'config'), { path: ['opt', 'lr'], value: 0.1 })
  assert.deepEqual(parseAssignment('expr=a=b', 'summary'), { path: ['expr'], value: 'a=b' })
  assert.deepEqual(parseAssignment('empty=', 'summary'), { path: ['empty'], value: '' })
  for (const bad of ['novalue', '=3']) {
    assert.throws(() => parseAssignment(bad, 'config'), {
      name: 'UsageError',
      message: `--config expects key=value, got "${bad}"`,
    })
  }
})

test('valueAt, setPath and deleteAt walk nested plain objects', () => {
  const root: Record<string, unknown> = { a: { b: 1 }, s: 'text' }
  assert.equal(valueAt(root, ['a', 'b']), 1)
  assert.equal(valueAt(root, ['a', 'missing']), undefined)
  assert.equal(valueAt(root, ['s', 'length']), undefined)
  setPath(root, ['a', 'c'], 2)
  setPath(root, ['s', 'x'], 3) // a non-object parent is replaced
  setPath(root, ['__proto__', 'polluted'], true)
  assert.deepEqual(root.a, { b: 1, c: 2 })
  assert.deepEqual(root.s, { x: 3 })
  assert.ok(Object.hasOwn(root, '__proto__'))
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
  assert.equal(deleteAt(root, ['a', 'b']), true)
  assert.equal(deleteAt(root, ['a', 'b']), false)
  assert.equal(deleteAt(root, ['nope', 'x']), false)
  assert.deepEqual(root.a, { c: 2 })
})

test('describeChanges prints one line per field, tag set, config and summary edit', () => {
  const lines = describeChanges(
    {
      fields: [{ field: 'notes', from: 'a', to: 'b' }, {
        field: 'group',
        from: 'g',
        to: undefined,
      }],
      tags: { added: ['x'], removed: ['y'] },
      config: [{ op: 'set', path: ['opt', 'lr'], value: 0.1 }, { op: 'delete', path: ['seed'] }],
      summary: [{ op: 'set', path: ['best acc'], value: NaN }],
    },
    { config: { opt: { lr: 0.5 }, seed: 7 }, summary: {} },
  )
  assert.deepEqual(lines, [
    'notes: "a" -> "b"',
    'group: "g" -> ""',
    'tags: +x -y',
    'config.opt.lr: 0.5 -> 0.1',
    'config.seed: 7 -> (deleted)',
    'summary."best acc": (unset) -> NaN',
  ])
})
