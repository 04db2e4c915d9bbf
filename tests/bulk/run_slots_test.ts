import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RunSlots } from '../../src/bulk/run_slots.ts'
import { Governor } from '../../src/bulk/governor.ts'

test('no more slots are handed out than the limit; a freed slot goes to the first waiter', async () => {
  let limit = 2
  const slots = new RunSlots(() => limit)
  const order: number[] = []
  const a = await slots.acquire()
  const b = await slots.acquire()
  const c = slots.acquire().then((release) => (order.push(3), release))
  const d = slots.acquire().then((release) => (order.push(4), release))
  await new Promise((r) => setTimeout(r, 5))
  assert.equal(slots.inUse, 2)
  assert.equal(slots.waiting, 2)
  a()
  a() // twice frees once
  const releaseC = await c
  assert.deepEqual(order, [3])
  assert.equal(slots.inUse, 2)
  limit = 4
  slots.wake()
  const releaseD = await d
  assert.deepEqual(order, [3, 4])
  assert.equal(slots.peak, 3)
  b()
  releaseC()
  releaseD()
  assert.equal(slots.inUse, 0)
})

test('a lower limit takes effect as slots are freed', async () => {
  let limit = 3
  const slots = new RunSlots(() => limit)
  const held = [await slots.acquire(), await slots.acquire(), await slots.acquire()]
  limit = 1
  let got = false
  const next = slots.acquire().then((release) => ((got = true), release))
  held[0]()
  held[1]()
  await new Promise((r) => setTimeout(r, 5))
  assert.equal(got, false, 'two of three freed, but one is still in use and the limit is 1')
  held[2]()
  ;(await next)()
  assert.equal(got, true)
})

test('a waiter whose signal aborts is dropped with the reason', async () => {
  const slots = new RunSlots(() => 1)
  const first = await slots.acquire()
  const controller = new AbortController()
  const waiting = slots.acquire(controller.signal)
  controller.abort(new Error('stop'))
  await assert.rejects(waiting, /stop/)
  assert.equal(slots.waiting, 0)
  first()
  assert.equal(slots.inUse, 0)
})

test("the governor's run slots follow its limit: halved by a 503, grown by healthy rounds", async () => {
  let status = 200
  const fetch: typeof globalThis.fetch = async () => {
    await new Promise((r) => setTimeout(r, 2))
    return new Response(null, { status })
  }
  const governor = new Governor({
    maxConcurrency: 16,
    initialConcurrency: 8,
    decreaseIntervalMs: 0,
    fetch,
  })
  /** How many of 20 acquirers get a slot now; frees them and drops the rest. */
  const grab = async (): Promise<number> => {
    const controller = new AbortController()
    const released: (() => void)[] = []
    const all = Array.from(
      { length: 20 },
      () => governor.runs.acquire(controller.signal).then((release) => void released.push(release)),
    )
    await new Promise((r) => setTimeout(r, 5))
    const got = released.length
    controller.abort(new Error('done'))
    await Promise.allSettled(all)
    released.forEach((release) => release())
    return got
  }
  assert.equal(await grab(), 8)
  status = 503
  await governor.fetch('http://x/')
  assert.equal(governor.limit, 4)
  assert.equal(await grab(), 4)
  status = 200
  for (let i = 0; i < 10; i++) {
    await Promise.all(Array.from({ length: governor.limit }, () => governor.fetch('http://x/')))
  }
  assert.ok(governor.limit > 4, `limit ${governor.limit}`)
  assert.equal(await grab(), governor.limit)
  assert.equal(governor.runs.inUse, 0)
})
