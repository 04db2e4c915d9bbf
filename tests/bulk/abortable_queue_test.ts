import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AbortableQueue } from '../../src/bulk/abortable_queue.ts'

test('items come out in arrival order; peek leaves the first one queued', () => {
  const queue = new AbortableQueue<string>()
  assert.equal(queue.shift(), undefined)
  queue.push('a', undefined, () => assert.fail('no signal, no abort'))
  queue.push('b', undefined, () => assert.fail('no signal, no abort'))
  assert.equal(queue.length, 2)
  assert.equal(queue.peek(), 'a')
  assert.equal(queue.length, 2)
  assert.deepEqual([queue.shift(), queue.shift(), queue.shift()], ['a', 'b', undefined])
  assert.equal(queue.length, 0)
})

test('an abort while waiting removes the item and passes on the reason', () => {
  const queue = new AbortableQueue<number>()
  const controller = new AbortController()
  const reasons: unknown[] = []
  queue.push(1, undefined, () => {})
  queue.push(2, controller.signal, (reason) => reasons.push(reason))
  queue.push(3, undefined, () => {})
  controller.abort('stop')
  assert.deepEqual(reasons, ['stop'])
  assert.equal(queue.length, 2)
  assert.deepEqual([queue.shift(), queue.shift()], [1, 3])
})

test('an item taken out no longer listens to its signal', () => {
  const queue = new AbortableQueue<number>()
  const controller = new AbortController()
  let told = 0
  queue.push(1, controller.signal, () => told++)
  queue.push(2, undefined, () => {})
  assert.equal(queue.shift(), 1)
  controller.abort()
  assert.equal(told, 0)
  assert.equal(queue.length, 1, 'the abort of a taken item removes nothing')
})
