import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  CATCH_UP_STARTS,
  Lane,
  MAX_LANES,
  OriginLanes,
  originOf,
  OVERFLOW,
} from '../../src/bulk/origin_lanes.ts'
import { NEAR } from '../../src/bulk/rate_cap.ts'

test('originOf takes the origin of a string, URL or Request; an input without one is the overflow key', () => {
  assert.equal(originOf('https://api.wandb.ai/graphql?x=1'), 'https://api.wandb.ai')
  assert.equal(originOf(new URL('http://127.0.0.1:8080/files/a')), 'http://127.0.0.1:8080')
  assert.equal(
    originOf(new Request('https://storage.googleapis.com/b/o?sig=1')),
    'https://storage.googleapis.com',
  )
  assert.equal(originOf('not a url'), OVERFLOW)
  assert.equal(originOf('data:text/plain,hi'), OVERFLOW)
})

test(`at most ${MAX_LANES} origins get a lane of their own; the rest share the overflow lane`, () => {
  const lanes = new OriginLanes()
  const own = Array.from({ length: MAX_LANES }, (_, i) => lanes.for(`http://h${i}.test`))
  assert.equal(new Set(own).size, MAX_LANES)
  assert.equal(lanes.for('http://h0.test'), own[0], 'an origin keeps its lane')
  const a = lanes.for('http://late-a.test')
  const b = lanes.for('http://late-b.test')
  assert.equal(a, b)
  assert.equal(a.origin, OVERFLOW)
  for (let i = 0; i < 1000; i++) lanes.for(`http://many${i}.test`)
  assert.equal(lanes.size, MAX_LANES + 1)
})

test('a paced lane keeps its clock through a late timer, and catches up no more than CATCH_UP_STARTS after a stall', () => {
  const lane = new Lane('http://api.test')
  lane.started(1000, 10) // fresh: the next start 100 ms on
  assert.equal(lane.nextStart, 1100)
  lane.started(1150, 10) // 50 ms late: the clock keeps its beat
  assert.equal(lane.nextStart, 1200)
  lane.started(5000, 10) // a stall of seconds
  assert.equal(lane.nextStart, 5000 - (CATCH_UP_STARTS - 1) * 100 + 100)
  assert.ok(lane.nextStart > 5000 - 1000, 'no more than a few starts of catch-up')
  assert.equal(lane.rate(5000), 1, 'only the starts of the last second count')
})

test('a 429 leaves nothing to catch up: the server bucket is empty', () => {
  const lane = new Lane('http://api.test')
  for (let t = 0; t < 1000; t += 50) lane.started(t, Infinity)
  lane.started(1000, 10)
  lane.throttled(3000)
  assert.ok(lane.learned.value !== undefined)
  assert.ok(lane.nextStart >= 3000, `next start ${lane.nextStart}`)
})

test('the requests a lane got through between two 429s (its 429s not counted) teach its rate cap', () => {
  const lane = new Lane('http://api.test')
  for (let t = 0; t < 1000; t += 50) lane.started(t, Infinity) // 20/s, then a 429
  lane.rejected()
  lane.throttled(1000)
  const first = lane.learned.value!
  for (let t = 1100; t <= 11_000; t += 100) lane.started(t, first) // 100 starts in 10 s
  lane.rejected() // the last of them was the next 429
  lane.throttled(11_000)
  assert.ok(Math.abs(lane.learned.value! - NEAR * 9.9) < 1e-9, `cap ${lane.learned.value}`)
  assert.ok(Math.abs(lane.learned.limitSeen! - 9.9) < 1e-9)
})
