import { test } from 'node:test'
import assert from 'node:assert/strict'
import { linkedAbort } from '../src/linked_abort.ts'

test('linkedAbort follows the outer signal with its reason', () => {
  const outer = new AbortController()
  const { controller } = linkedAbort(outer.signal)
  assert.equal(controller.signal.aborted, false)
  outer.abort(new Error('stop'))
  assert.equal(controller.signal.aborted, true)
  assert.equal((controller.signal.reason as Error).message, 'stop')
})

test('linkedAbort starts aborted when the outer signal already is', () => {
  const reason = new Error('early')
  const { controller } = linkedAbort(AbortSignal.abort(reason))
  assert.equal(controller.signal.reason, reason)
})

test('linkedAbort: aborting the inner controller leaves the outer one alone', () => {
  const outer = new AbortController()
  const { controller } = linkedAbort(outer.signal)
  controller.abort(new Error('inner'))
  assert.equal(outer.signal.aborted, false)
})

test('linkedAbort: after unlink the outer abort no longer reaches the inner signal', () => {
  const outer = new AbortController()
  const { controller, unlink } = linkedAbort(outer.signal)
  unlink()
  outer.abort()
  assert.equal(controller.signal.aborted, false)
  const { controller: free } = linkedAbort(undefined)
  assert.equal(free.signal.aborted, false)
})
