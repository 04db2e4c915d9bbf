/** The interning cache for history keys: shared frozen paths, a private copy of the bytes, a bound. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KeyCache } from '../../src/local/key_cache.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

test('the same key bytes give one shared, frozen path, wherever they sit in the buffer', () => {
  const cache = new KeyCache()
  const a = bytes('xx loss yy')
  const b = bytes('loss')
  const first = cache.path(a, 3, 7)
  assert.deepEqual(first, ['loss'])
  assert.equal(cache.path(b, 0, 4), first)
  assert.ok(Object.isFrozen(first))
  assert.equal(cache.text(b, 0, 4), 'loss')
  assert.notEqual(cache.path(bytes('lost'), 0, 4), first)
})

test('the cache keeps its own copy: changing the input buffer later does not change a key', () => {
  const cache = new KeyCache()
  const buf = bytes('acc')
  cache.text(buf, 0, 3)
  buf[0] = 'x'.charCodeAt(0)
  assert.equal(cache.text(buf, 0, 3), 'xcc')
  assert.equal(cache.text(bytes('acc'), 0, 3), 'acc')
})

test('past its capacity, and for keys over 64 bytes, it decodes without caching', () => {
  const cache = new KeyCache(2)
  cache.path(bytes('a'), 0, 1)
  cache.path(bytes('b'), 0, 1)
  const third = cache.path(bytes('c'), 0, 1)
  assert.deepEqual(third, ['c'])
  assert.notEqual(cache.path(bytes('c'), 0, 1), third)
  assert.equal(cache.path(bytes('a'), 0, 1), cache.path(bytes('a'), 0, 1))
  const long = 'k'.repeat(65)
  assert.equal(cache.text(bytes(long), 0, 65), long)
  assert.notEqual(cache.path(bytes(long), 0, 65), cache.path(bytes(long), 0, 65))
})

test('multi-byte UTF-8 keys decode exactly', () => {
  const cache = new KeyCache()
  const text = 'val/损失 🚀'
  const b = bytes(text)
  assert.equal(cache.text(b, 0, b.length), text)
  assert.equal(cache.text(b, 0, b.length), text)
})
