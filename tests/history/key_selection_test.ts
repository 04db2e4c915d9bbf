import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Row } from '../../src/row.ts'
import { checkKeySelection, KeySelection, lookupKey } from '../../src/history/key_selection.ts'
import { floatKeysOf, setFloatKeys } from '../../src/row_floats.ts'
import { toCsv } from '../../src/export/csv.ts'

test('key selection: any/all, dotted paths into nested values, keys never seen', () => {
  const rows: Row[] = [
    { _step: 0, loss: 1, eval: { score: 2 } },
    { _step: 1, loss: 0.5 },
    { _step: 2, acc: 0.1 },
  ]
  const any = new KeySelection(['loss', 'eval.score', 'nope'], 'any')
  assert.deepEqual(any.select(rows), [
    { _step: 0, loss: 1, 'eval.score': 2 },
    { _step: 1, loss: 0.5 },
  ])
  assert.deepEqual(any.missingKeys(), ['nope'])
  const all = new KeySelection(['loss', 'eval.score'], 'all')
  assert.deepEqual(all.select(rows), [{ _step: 0, loss: 1, 'eval.score': 2 }])
  assert.equal(new KeySelection(undefined, 'any').select(rows), rows)
  assert.equal(new KeySelection([], 'all').select(rows), rows, 'an empty list means every key')
})

test('a null value counts as not logged: the row, the projection and the missing-key report', () => {
  const rows: Row[] = [
    { _step: 0, acc: 1, gone: null, eval: { score: null } },
    { _step: 1, acc: null, loss: 2 },
    { _step: 2, acc: 3, loss: null, gone: null },
  ]
  const any = new KeySelection(['acc', 'gone', 'eval.score'], 'any')
  assert.deepEqual(any.select(rows), [{ _step: 0, acc: 1 }, { _step: 2, acc: 3 }])
  let reported: string[] | undefined
  assert.deepEqual(any.report((k) => (reported = k)), ['gone', 'eval.score'])
  assert.deepEqual(reported, ['gone', 'eval.score'])

  const all = new KeySelection(['acc', 'loss'], 'all')
  assert.deepEqual(all.select(rows), [], 'no row holds a value for both')
  let called = false
  assert.deepEqual(all.report(() => (called = true)), [], 'both had values, in different rows')
  assert.equal(called, false, 'onMissingKeys is not called when every key had a value')
})

test('lookupKey: top-level first, dotted paths into plain objects only, null is no value', () => {
  assert.equal(lookupKey({ 'a.b': 1, a: { b: 2 } }, 'a.b'), 1)
  assert.equal(lookupKey({ 'a.b': null, a: { b: 2 } }, 'a.b'), 2)
  assert.equal(lookupKey({ a: { b: null } }, 'a.b'), undefined)
  assert.equal(lookupKey({ a: [5] }, 'a.0'), undefined)
  assert.deepEqual(lookupKey({ a: { b: 1 } }, 'a'), { b: 1 })
  assert.equal(lookupKey({ a: 0 }, 'a'), 0)
  assert.equal(lookupKey({ a: false }, 'a'), false)
  assert.ok(Number.isNaN(lookupKey({ a: NaN }, 'a')), 'NaN is a value')
  assert.equal(lookupKey({}, 'constructor'), undefined, 'inherited names are not keys')
})

test('anchors are kept when the row has them; __proto__ is an own key', () => {
  const system = new KeySelection(['cpu', '__proto__'], 'any', ['_timestamp', '_runtime'])
  const row = JSON.parse('{"_timestamp": 5, "cpu": 1, "__proto__": 7}') as Row
  const [picked] = system.select([row, { _runtime: 1 }])
  assert.deepEqual(Object.keys(picked), ['_timestamp', 'cpu', '__proto__'])
  assert.equal(Object.getPrototypeOf(picked), Object.prototype)
  assert.equal(system.select([{ _runtime: 1 }]).length, 0)
})

test('checkKeySelection names the misused option', () => {
  assert.throws(
    () => checkKeySelection({ keys: 'loss' as never }, 'scan history'),
    /Cannot scan history: keys must be an array of strings, got "loss"/,
  )
  assert.throws(
    () => checkKeySelection({ keysMode: 'some' as never }, 'scan history'),
    /keysMode must be 'any' or 'all', got "some"/,
  )
  assert.throws(
    () => checkKeySelection({ onMissingKeys: 1 as never }, 'scan history'),
    /onMissingKeys must be a function/,
  )
  checkKeySelection({ keys: ['a'], keysMode: 'all', onMissingKeys: () => {} }, 'scan history')
})

test('a projected row keeps the float marks of the keys it picked (1.0 stays 1.0 in CSV/NDJSON)', async () => {
  const row: Row = { _step: 0, loss: 1, acc: 2, eval: { score: 3, n: 4 } }
  setFloatKeys(row, ['loss', 'acc', 'eval.score'])
  const picked = new KeySelection(['loss', 'eval']).pick(row)
  assert.deepEqual(JSON.parse(JSON.stringify(picked)), {
    _step: 0,
    loss: 1,
    eval: { score: 3, n: 4 },
  })
  assert.deepEqual(floatKeysOf(picked!), ['loss', 'eval.score'])
  const dotted = new KeySelection(['eval.score']).pick(row)
  assert.deepEqual(floatKeysOf(dotted!), ['eval.score'])
  assert.equal(floatKeysOf(new KeySelection(['eval.n']).pick(row)!), undefined)
  const batches = ReadableStream.from([[new KeySelection(['loss']).pick(row)!]])
  const csv = await new Response(batches.pipeThrough(toCsv())).text()
  assert.equal(csv, '_step,loss\n0,1.0\n')
})
