import { test } from 'node:test'
import assert from 'node:assert/strict'
import { likePattern } from '../../src/bulk/bulk_source.ts'

test('likePattern: % is any run of characters, _ is one, the rest is literal', () => {
  const re = likePattern('media/%.png')
  assert.ok(re.test('media/images/a.png'))
  assert.ok(re.test('media/.png'))
  assert.ok(!re.test('media/a.pngx'))
  assert.ok(!re.test('xmedia/a.png'))
  assert.ok(likePattern('ckpt_.pt').test('ckpt1.pt'))
  assert.ok(!likePattern('ckpt_.pt').test('ckpt10.pt'))
  assert.ok(likePattern('%').test('any\nthing'))
})

test('likePattern escapes regular-expression characters', () => {
  assert.ok(likePattern('a.b').test('a.b'))
  assert.ok(!likePattern('a.b').test('axb'))
  assert.ok(likePattern('(x)+[y]*?{1}|$^\\/').test('(x)+[y]*?{1}|$^\\/'))
})
