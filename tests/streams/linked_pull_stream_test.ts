import { test } from 'node:test'
import assert from 'node:assert/strict'
import { linkedAbort } from '../../src/linked_abort.ts'
import { linkedPullStream } from '../../src/streams/linked_pull_stream.ts'

test('pulls only when read, one batch per pull', async () => {
  let pulls = 0
  const stream = linkedPullStream<number[]>(linkedAbort(undefined), (c) => {
    pulls++
    if (pulls === 3) c.close()
    else c.enqueue([pulls])
    return Promise.resolve()
  })
  await new Promise((resolve) => setTimeout(resolve, 5))
  assert.equal(pulls, 0, 'nothing runs before the first read')
  const batches: number[][] = []
  for await (const b of stream) batches.push(b)
  assert.deepEqual(batches, [[1], [2]])
})

test('a failed pull aborts the link with its error and unlinks from the caller', async () => {
  const outer = new AbortController()
  const link = linkedAbort(outer.signal)
  const boom = new Error('page 2 failed')
  const stream = linkedPullStream<number[]>(link, () => Promise.reject(boom))
  await assert.rejects(stream.getReader().read(), boom)
  assert.equal(link.controller.signal.reason, boom)
  outer.abort(new Error('later'))
  assert.equal(link.controller.signal.reason, boom, 'unlinked: the caller no longer reaches it')
})

test('cancel aborts the link with the reason, or with cancelReason of it', async () => {
  const plain = linkedAbort(undefined)
  await linkedPullStream(plain, () => Promise.resolve()).cancel('done reading')
  assert.equal(plain.controller.signal.reason, 'done reading')
  const mapped = linkedAbort(undefined)
  await linkedPullStream(mapped, () => Promise.resolve(), {
    cancelReason: (reason) => reason ?? new DOMException('stream cancelled', 'AbortError'),
  }).cancel()
  const reason = mapped.controller.signal.reason as DOMException
  assert.equal(reason.name, 'AbortError')
  assert.equal(reason.message, 'stream cancelled')
})

test("the caller's abort reaches work in flight through the link", async () => {
  const outer = new AbortController()
  const link = linkedAbort(outer.signal)
  let started: () => void = () => {}
  const pulling = new Promise<void>((resolve) => (started = resolve))
  const stream = linkedPullStream<number[]>(link, () =>
    new Promise((_, reject) => {
      link.controller.signal.addEventListener('abort', () => reject(link.controller.signal.reason))
      started()
    }))
  const read = stream.getReader().read()
  await pulling
  outer.abort(new Error('user stopped'))
  await assert.rejects(read, /user stopped/)
})
