import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fnv1a32, formatShard, inShard, parseShard, shardOf } from '../../src/bulk/shard.ts'

test('parseShard reads i/n with spaces and refuses an index at or past the count', () => {
  assert.deepEqual(parseShard('0/4'), { index: 0, count: 4 })
  assert.deepEqual(parseShard(' 3 / 4 '), { index: 3, count: 4 })
  assert.throws(() => parseShard('4/4'), {
    name: 'RangeError',
    message: "Cannot use shard '4/4': the index must be below the count (0 <= i < n), e.g. 3/4",
  })
  assert.throws(() => parseShard('0/0'), /the index must be below the count/)
  for (const bad of ['1', '-1/4', 'a/b', '1/2/3', '']) {
    assert.throws(() => parseShard(bad), (err: unknown) => {
      assert.ok(err instanceof RangeError)
      assert.ok(err.message.startsWith(`Cannot use shard '${bad}': expected i/n`), err.message)
      return true
    })
  }
})

test('fnv1a32 matches the published FNV-1a test vectors over UTF-8 bytes', () => {
  assert.equal(fnv1a32(''), 0x811c9dc5)
  assert.equal(fnv1a32('a'), 0xe40c292c)
  assert.equal(fnv1a32('foobar'), 0xbf9cf968)
  assert.equal(fnv1a32('é'), fnv1a32('\u00e9'))
  assert.notEqual(fnv1a32('é'), fnv1a32('e\u0301'))
})

test('shardOf splits run ids into disjoint slices that cover every run', () => {
  const ids = Array.from({ length: 200 }, (_, i) => `run${i}`)
  const slices = [0, 1, 2].map((index) => ids.filter((id) => inShard(id, { index, count: 3 })))
  assert.equal(slices.flat().length, ids.length)
  assert.equal(new Set(slices.flat()).size, ids.length)
  for (const slice of slices) assert.ok(slice.length > 40, `uneven split: ${slice.length}`)
  assert.equal(shardOf('abc', 1), 0)
  assert.equal(shardOf('foobar', 7), 0xbf9cf968 % 7)
  assert.equal(inShard('anything', undefined), true)
  assert.throws(() => shardOf('r1', 0), {
    message: "Cannot shard run 'r1' 0 ways: count must be an integer >= 1",
  })
})

test('formatShard spells i/n and nothing for no shard', () => {
  assert.equal(formatShard({ index: 2, count: 5 }), '2/5')
  assert.equal(formatShard(undefined), undefined)
})
