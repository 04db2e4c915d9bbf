import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { BulkRun, BulkRunHandle } from '../../src/bulk/bulk_source.ts'
import { HistoryPrefetch } from '../../src/bulk/history_prefetch.ts'

/** Handles of runs that record when they are asked to prefetch (a new object each open). */
function runs(n: number, asked: string[], without = new Set<string>()): BulkRunHandle[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `r${i}`
    const open = () => {
      const run = { id } as BulkRun
      if (!without.has(id)) {
        ;(run as { prefetchHistory?: (signal: AbortSignal) => void }).prefetchHistory = () =>
          void asked.push(id)
      }
      return Promise.resolve(run)
    }
    return { id, createdAt: null, updatedAt: null, open }
  })
}

const tick = () => new Promise((r) => setTimeout(r, 0))

test('runs are asked for in order, at most `ahead` not yet taken', async () => {
  const asked: string[] = []
  const prefetch = new HistoryPrefetch(runs(6, asked), 2)
  const done = prefetch.run(new AbortController().signal)
  await tick()
  assert.deepEqual(asked, ['r0', 'r1'])
  assert.equal(prefetch.waiting, 2)
  prefetch.taken('r0')
  await tick()
  assert.deepEqual(asked, ['r0', 'r1', 'r2'])
  // a run the pool reaches before the prefetch is not asked for
  prefetch.taken('r3')
  prefetch.taken('r1')
  prefetch.taken('r2')
  await done
  assert.deepEqual(asked, ['r0', 'r1', 'r2', 'r4', 'r5'])
})

test('runs without prefetchHistory are passed over, and stop() ends the loop', async () => {
  const asked: string[] = []
  const prefetch = new HistoryPrefetch(runs(5, asked, new Set(['r0'])), 1)
  const done = prefetch.run(new AbortController().signal)
  await tick()
  assert.deepEqual(asked, ['r1'])
  prefetch.stop()
  await done
  assert.deepEqual(asked, ['r1'])
})

test('an aborted signal ends the loop, and a bad count is a RangeError', async () => {
  const asked: string[] = []
  const controller = new AbortController()
  controller.abort()
  await new HistoryPrefetch(runs(3, asked), 4).run(controller.signal)
  assert.deepEqual(asked, [])
  assert.throws(() => new HistoryPrefetch([], 0), /Cannot prefetch 0 runs ahead/)
})

test('a run that fails to open is passed over; the pool reports it', async () => {
  const asked: string[] = []
  const handles = runs(3, asked)
  handles[1] = { ...handles[1], open: () => Promise.reject(new Error('gone')) }
  await new HistoryPrefetch(handles, 4).run(new AbortController().signal)
  assert.deepEqual(asked, ['r0', 'r2'])
})

test('a growing listing is read as it grows, to its end; unwanted runs are not asked for', async () => {
  const asked: string[] = []
  const all = runs(5, asked)
  const handles: BulkRunHandle[] = all.slice(0, 2)
  const prefetch = new HistoryPrefetch(handles, 8, {
    growing: true,
    wanted: (h) => h.id !== 'r3',
  })
  let finished = false
  const done = prefetch.run(new AbortController().signal).then(() => (finished = true))
  await tick()
  assert.deepEqual(asked, ['r0', 'r1'])
  assert.equal(finished, false, 'the loop waits for more runs')
  handles.push(all[2], all[3])
  prefetch.listed()
  await tick()
  assert.deepEqual(asked, ['r0', 'r1', 'r2'])
  handles.push(all[4])
  prefetch.listed(true)
  await done
  assert.deepEqual(asked, ['r0', 'r1', 'r2', 'r4'])
})
