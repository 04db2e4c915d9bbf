import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LoopLag } from '../../src/bulk/loop_lag.ts'

test('the lag is the mean timer delay over the window, and busy above the threshold', () => {
  let t = 0
  const lag = new LoopLag({ intervalMs: 50, windowMs: 1000, busyMs: 20, now: () => t })
  assert.equal(lag.lagMs, 0)
  for (let i = 0; i < 10; i++) {
    t += 50
    lag.tick()
  }
  assert.equal(lag.lagMs, 0)
  assert.equal(lag.busy(), false)
  for (let i = 0; i < 10; i++) {
    t += 110 // each timer runs 60 ms late
    lag.tick()
  }
  assert.ok(lag.lagMs > 20, `lag ${lag.lagMs}`)
  assert.equal(lag.busy(), true)
  // a second of punctual timers later, the late ones have left the window
  for (let i = 0; i < 25; i++) {
    t += 50
    lag.tick()
  }
  assert.equal(lag.lagMs, 0)
  assert.equal(lag.busy(), false)
})

test('a real blocked loop shows as busy', async () => {
  const lag = new LoopLag({ intervalMs: 10, windowMs: 1000, busyMs: 20 })
  lag.start()
  try {
    for (let i = 0; i < 5; i++) {
      const until = performance.now() + 60
      while (performance.now() < until) { /* block the loop */ }
      await new Promise((r) => setTimeout(r, 0))
    }
    assert.equal(lag.busy(), true, `lag ${lag.lagMs}`)
  } finally {
    lag.stop()
  }
})

test('bad options are RangeErrors', () => {
  assert.throws(() => new LoopLag({ intervalMs: 0 }), /Cannot measure loop lag every 0 ms/)
})
