import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSummaryView } from '../../src/api/summary_view.ts'

test('summary view reads, sets, tests and deletes nested paths on the target itself', () => {
  const target: Record<string, unknown> = { acc: 0.5, nested: { a: 1 } }
  const view = createSummaryView(target, () => Promise.resolve())
  assert.equal(view.acc, 0.5)
  assert.equal(view.get(['nested', 'a']), 1)
  assert.equal(view.get(' acc '), 0.5)
  assert.equal(view.get(['acc', 'x']), undefined)
  assert.equal(view.has(['nested', 'a']), true)
  assert.equal(view.has(['nested', 'b']), false)
  view.set(['deep', 'er', 'x'], [1, 2])
  assert.deepEqual(target.deep, { er: { x: [1, 2] } })
  assert.equal(view.delete(['nested', 'a']), true)
  assert.equal(view.delete(['nested', 'a']), false)
  assert.deepEqual(target.nested, {})
  view.loss = 3
  assert.equal(target.loss, 3)
})

test('summary view update sets top-level keys, copies values and awaits the commit', async () => {
  const target: Record<string, unknown> = { nested: { a: 1, b: 2 } }
  let commits = 0
  const view = createSummaryView(target, () => {
    commits++
    return Promise.resolve()
  })
  const value = { a: 9 }
  await view.update({ nested: value, top: 1 })
  assert.equal(commits, 1)
  assert.deepEqual(target, { nested: { a: 9 }, top: 1 })
  value.a = 10
  assert.deepEqual(target.nested, { a: 9 })
  await assert.rejects(view.update([] as never), {
    name: 'TypeError',
    message: 'Cannot update the summary: pass an object of keys and values',
  })
  assert.equal(commits, 1)
})

test('summary view refuses empty paths and values that are not JSON, naming the key', () => {
  const view = createSummaryView({}, () => Promise.resolve())
  assert.throws(() => view.get([]), {
    name: 'TypeError',
    message: 'Cannot use summary path []: give one or more non-empty keys',
  })
  assert.throws(() => view.set(['a', ' '], 1), /give one or more non-empty keys/)
  assert.throws(() => view.set('when', new Date()), (err: unknown) => {
    assert.ok(err instanceof TypeError)
    assert.match(
      err.message,
      /^Cannot write summary key when: the value at summary key when is a class instance/,
    )
    return true
  })
  assert.throws(() => {
    view.fn = () => 1
  }, /summary key fn: the value at summary key fn is function/)
})

test('a summary key named like a method hides the method', () => {
  const view = createSummaryView({ get: 'value' }, () => Promise.resolve())
  assert.equal(view.get as unknown, 'value')
  assert.equal(typeof view.set, 'function')
})
