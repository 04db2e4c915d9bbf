import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ByteBudget } from '../../src/bulk/byte_budget.ts'

const tick = () => new Promise((r) => setTimeout(r, 2))

test('reservations that fit are granted at once; the next waits until bytes are freed', async () => {
  const budget = new ByteBudget(100)
  const a = await budget.reserve(60)
  const b = await budget.reserve(40)
  assert.equal(budget.reserved, 100)
  let granted = false
  const c = budget.reserve(30).then((release) => ((granted = true), release))
  await tick()
  assert.equal(granted, false)
  assert.equal(budget.waits, 1)
  a()
  a() // twice frees once
  const releaseC = await c
  assert.equal(budget.reserved, 70)
  b()
  releaseC()
  assert.equal(budget.reserved, 0)
  assert.equal(budget.highWater, 100)
})

test('first come, first served: a small reservation does not overtake a large waiting one', async () => {
  const budget = new ByteBudget(100)
  const held = await budget.reserve(80)
  const order: string[] = []
  const large = budget.reserve(90).then((release) => (order.push('large'), release))
  const small = budget.reserve(10).then((release) => (order.push('small'), release))
  await tick()
  assert.deepEqual(order, [], 'the small one would fit, but the large one asked first')
  held()
  ;(await large)()
  ;(await small)()
  assert.deepEqual(order, ['large', 'small'])
})

test('a reservation larger than the budget gets the whole budget once nothing else is held', async () => {
  const budget = new ByteBudget(100)
  const held = await budget.reserve(1)
  let granted = false
  const huge = budget.reserve(1e9).then((release) => ((granted = true), release))
  await tick()
  assert.equal(granted, false)
  held()
  const release = await huge
  assert.equal(budget.reserved, 100)
  assert.equal(budget.highWater, 100, 'never more than the budget')
  release()
})

test('many reservations at once never hold more than the budget, and all finish', async () => {
  const budget = new ByteBudget(1000)
  let held = 0
  let peak = 0
  await Promise.all(Array.from({ length: 128 }, async (_, i) => {
    const bytes = 50 + (i * 37) % 400
    const release = await budget.reserve(bytes)
    held += bytes
    peak = Math.max(peak, held)
    await new Promise((r) => setTimeout(r, i % 3))
    held -= bytes
    release()
  }))
  assert.ok(peak <= 1000, `peak ${peak}`)
  assert.equal(budget.highWater, peak)
  assert.equal(budget.reserved, 0)
})

test('an aborted waiter is dropped, and the ones behind it are served', async () => {
  const budget = new ByteBudget(100)
  const held = await budget.reserve(50)
  const controller = new AbortController()
  const blocked = budget.reserve(80, controller.signal)
  const behind = budget.reserve(40)
  controller.abort(new Error('stop'))
  await assert.rejects(blocked, /stop/)
  ;(await behind)()
  held()
  assert.equal(budget.reserved, 0)
})

test('bad sizes are RangeErrors that quote the value', async () => {
  assert.throws(() => new ByteBudget(0), /memory to 0 bytes/)
  assert.throws(() => new ByteBudget(1.5), /memory to 1.5 bytes/)
  await assert.rejects(new ByteBudget(10).reserve(-1), /reserve -1 bytes/)
})
