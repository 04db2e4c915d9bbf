import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HistoryKeyTally, sniffJsonType } from '../../src/local/history_keys.ts'

const item = (path: string[], valueJson: string) => ({ path, valueJson })

test('sniffJsonType classifies value_json by its first character', () => {
  assert.deepEqual(
    ['"a"', 'true', 'false', 'null', '[1]', '{}', '1.5', '-2', 'NaN', 'Infinity'].map(
      sniffJsonType,
    ),
    ['string', 'bool', 'bool', 'nil', 'list', 'map', 'number', 'number', 'number', 'number'],
  )
})

test('HistoryKeyTally counts types per dotted key and keeps the highest step', () => {
  const tally = new HistoryKeyTally()
  tally.add({
    items: [item(['_step'], '0'), item(['loss'], '0.5'), item(['eval', 'acc'], '1')],
    step: 0,
  })
  tally.add({
    items: [item(['_step'], '1'), item(['loss'], 'null'), item(['name'], '"x"')],
    step: 1,
  })
  tally.step(1)
  tally.step(undefined)
  tally.step(0)
  assert.deepEqual(tally.result(), {
    keys: {
      _step: { typeCounts: [{ type: 'number', count: 2 }] },
      loss: { typeCounts: [{ type: 'number', count: 1 }, { type: 'nil', count: 1 }] },
      'eval.acc': { typeCounts: [{ type: 'number', count: 1 }] },
      name: { typeCounts: [{ type: 'string', count: 1 }] },
    },
    lastStep: 1,
  })
  assert.deepEqual([...tally.doubles()], ['loss'])
  assert.equal(new HistoryKeyTally().result().lastStep, -1)
})

test('media objects count once under their own key with their _type', () => {
  const tally = new HistoryKeyTally()
  // core writer: one item per leaf, the media object split into leaves
  tally.add({
    items: [
      item(['img', '_type'], '"image-file"'),
      item(['img', 'path'], '"media/x.png"'),
      item(['img', 'size'], '10'),
    ],
  })
  // legacy writer: the whole object as one value, media and plain nested objects
  tally.add({
    items: [
      item(['img'], '{"_type": "image-file", "path": "y.png"}'),
      item(['opt'], '{"lr": 0.1, "deep": {"n": 2, "e": {}}, "tags": ["a"]}'),
    ],
  })
  const keys = tally.result().keys
  assert.deepEqual(keys.img, { typeCounts: [{ type: 'image-file', count: 2 }] })
  assert.equal(keys['img.path'], undefined)
  assert.deepEqual(Object.keys(keys).sort(), [
    'img',
    'opt.deep.e',
    'opt.deep.n',
    'opt.lr',
    'opt.tags',
  ])
  assert.deepEqual(keys['opt.deep.e'].typeCounts, [{ type: 'map', count: 1 }])
  assert.deepEqual(keys['opt.tags'].typeCounts, [{ type: 'list', count: 1 }])
  assert.ok(tally.doubles().has('opt.lr'))
  assert.ok(!tally.doubles().has('opt.deep.n'))
})

test('a key named __proto__ is an own key of the result', () => {
  const tally = new HistoryKeyTally()
  tally.add({ items: [item(['__proto__'], '1')] })
  const keys = tally.result().keys
  assert.ok(Object.hasOwn(keys, '__proto__'))
  assert.equal(Object.getPrototypeOf(keys), Object.prototype)
})
