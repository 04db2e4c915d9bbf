import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runPool } from '../../src/bulk/work_pool.ts'
import { RunSlots } from '../../src/bulk/run_slots.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'

const fast = { retryDelayMs: () => 1 }

test('items run at most `concurrency` at once and all finish', async () => {
  let running = 0
  let peak = 0
  const done: number[] = []
  const result = await runPool([1, 2, 3, 4, 5, 6, 7], async (n) => {
    running++
    peak = Math.max(peak, running)
    await new Promise((r) => setTimeout(r, 5))
    running--
    done.push(n)
  }, { concurrency: 3 })
  assert.equal(result.done, 7)
  assert.equal(peak, 3)
  assert.deepEqual(done.sort(), [1, 2, 3, 4, 5, 6, 7])
})

test('a failing item is retried, then quarantined, and the others go on', async () => {
  const tries = new Map<string, number>()
  const quarantined: string[] = []
  const result = await runPool(['ok', 'flaky', 'bad', 'ok2'], (item) => {
    const n = (tries.get(item) ?? 0) + 1
    tries.set(item, n)
    if (item === 'bad') return Promise.reject(new Error('HTTP 502 every time'))
    if (item === 'flaky' && n < 2) return Promise.reject(new Error('HTTP 503 once'))
    return Promise.resolve()
  }, { ...fast, attempts: 3, onQuarantine: (item) => void quarantined.push(item) })
  assert.equal(result.done, 3)
  assert.equal(result.retries, 3) // flaky once, bad twice
  assert.deepEqual(tries.get('bad'), 3)
  assert.deepEqual(quarantined, ['bad'])
  assert.equal(result.quarantined[0].attempts, 3)
  assert.match(String(result.quarantined[0].error), /HTTP 502/)
})

test('a run the server no longer has is quarantined without retries', async () => {
  let calls = 0
  const result = await runPool(['gone'], () => {
    calls++
    throw new WandbApiError('Could not find run e/p/gone', {
      code: 'not-found',
      status: 404,
      operation: 'Run',
    })
  }, fast)
  assert.equal(calls, 1)
  assert.equal(result.quarantined.length, 1)
})

test('a rejected API key or a full disk stops the whole pool', async () => {
  const started: number[] = []
  await assert.rejects(
    runPool([1, 2, 3, 4, 5, 6], async (n, signal) => {
      started.push(n)
      if (n === 2) {
        throw new WandbApiError('HTTP 401', { code: 'http', status: 401, operation: 'Runs' })
      }
      await new Promise((r, j) => {
        const t = setTimeout(r, 50)
        signal.addEventListener('abort', () => (clearTimeout(t), j(signal.reason)))
      })
    }, { concurrency: 2, ...fast }),
    /HTTP 401/,
  )
  assert.ok(started.length <= 3, `no new items after the fatal error: ${started}`)
  const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
  await assert.rejects(runPool([1], () => Promise.reject(full), fast), /no space left/)
})

test('an abort stops the pool with the signal reason', async () => {
  const controller = new AbortController()
  const pending = runPool([1, 2, 3], async (_n, signal) => {
    await new Promise((r, j) => {
      const t = setTimeout(r, 1000)
      signal.addEventListener('abort', () => (clearTimeout(t), j(signal.reason)))
    })
  }, { signal: controller.signal })
  controller.abort(new Error('Interrupted (Ctrl-C)'))
  await assert.rejects(pending, /Interrupted/)
})

test('bad pool options are RangeErrors', async () => {
  await assert.rejects(runPool([], async () => {}, { concurrency: 0 }), RangeError)
  await assert.rejects(runPool([], async () => {}, { attempts: 0 }), RangeError)
})

test('with slots, items in flight follow the slots up to the ceiling, and each item takes one', async () => {
  let limit = 2
  const slots = new RunSlots(() => limit)
  let running = 0
  let peak = 0
  const result = await runPool(Array.from({ length: 12 }, (_, i) => i), async (n) => {
    running++
    peak = Math.max(peak, running)
    if (n === 3) limit = 5 // the limit grows mid-way
    slots.wake()
    await new Promise((r) => setTimeout(r, 5))
    running--
  }, { concurrency: 4, slots })
  assert.equal(result.done, 12)
  assert.equal(peak, 4, 'the ceiling holds although the slots allow 5')
  assert.equal(slots.peak, 4)
  assert.equal(slots.inUse, 0)
})

test('with slots, no more items run at once than the slots allow', async () => {
  const slots = new RunSlots(() => 2)
  let running = 0
  let peak = 0
  await runPool(Array.from({ length: 9 }, (_, i) => i), async () => {
    running++
    peak = Math.max(peak, running)
    await new Promise((r) => setTimeout(r, 3))
    running--
  }, { concurrency: 8, slots })
  assert.equal(peak, 2)
  assert.equal(slots.peak, 2, 'a lane that finds no item left takes no slot')
})

test('items from an async source start as they arrive; a source that fails stops the pool', async () => {
  const started: number[] = []
  async function* arriving(fail: boolean): AsyncGenerator<number> {
    yield 1
    await new Promise((r) => setTimeout(r, 20))
    yield 2
    if (fail) throw new Error('listing page 2 failed')
    yield 3
  }
  const result = await runPool(arriving(false), async (n) => {
    started.push(n)
    await new Promise((r) => setTimeout(r, 1))
  }, { concurrency: 4 })
  assert.equal(result.done, 3)
  assert.deepEqual(started, [1, 2, 3])
  let finished = 0
  await assert.rejects(
    runPool(arriving(true), async () => {
      await new Promise((r) => setTimeout(r, 1))
      finished++
    }, { concurrency: 4 }),
    /listing page 2 failed/,
  )
  assert.equal(finished, 2, 'the items already taken finish before the pool rejects')
})
