import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryWatch } from '../../src/bulk/memory_watch.ts'
import { giveBack, pooledBytes } from '../../src/export/buffer_pool.ts'
import { collectGarbage } from '../../src/runtime.ts'

const MiB = 1024 * 1024

/**
 * A watch over a resident size the test sets, recording its collections; a trim gives back
 * `trimmedMiB` (none: the runtime cannot trim).
 */
function watched(limitMiB: number, stepMiB: number, freedMiB: number, trimmedMiB?: number) {
  let resident = 0
  const calls: number[] = []
  const trims: number[] = []
  const watch = new MemoryWatch({
    trim: () => {
      if (trimmedMiB === undefined) return false
      trims.push(resident / MiB)
      resident -= trimmedMiB * MiB
      return true
    },
    limitBytes: limitMiB * MiB,
    stepBytes: stepMiB * MiB,
    resident: () => resident,
    collect: () => {
      calls.push(resident / MiB)
      resident -= freedMiB * MiB
      return true
    },
  })
  return { watch, calls, trims, set: (mib: number) => void (resident = mib * MiB) }
}

test('a trim that leaves the size less than a step above the bound spares the collection; one that does not is followed by it', () => {
  const { watch, calls, trims, set } = watched(400, 32, 100, 60)
  set(399)
  assert.equal(watch.check(), false)
  assert.deepEqual(trims, [], 'nothing to do below the limit')
  set(450) // trimmed to 390: under the limit
  assert.equal(watch.check(), false)
  set(480) // trimmed to 420: above the limit, but less than a step (32) above it
  assert.equal(watch.check(), false)
  assert.deepEqual([trims, calls, watch.stats.trims], [[450, 480], [], 2])
  set(430) // above the limit again: trimmed again (to 370), no collection
  assert.equal(watch.check(), false)
  assert.deepEqual(trims, [450, 480, 430])
  set(500) // trimmed to 440, a step above: collected to 340
  assert.equal(watch.check(), true)
  assert.deepEqual([trims, calls], [[450, 480, 430, 500], [440]])
  assert.deepEqual([watch.stats.trims, watch.stats.collections], [3, 1])
})

test('below the limit nothing is collected; past it, once, then again only after the step', () => {
  const { watch, calls, set } = watched(400, 32, 100)
  set(399)
  assert.equal(watch.check(), false)
  set(450)
  assert.equal(watch.check(), true) // 450 -> 350: the next one is due at the limit again
  set(399)
  assert.equal(watch.check(), false)
  set(420)
  assert.equal(watch.check(), true)
  assert.deepEqual(calls, [450, 420])
  assert.equal(watch.stats.collections, 2)
  assert.equal(watch.stats.peakBytes, 450 * MiB)
})

test("a collection lets the Parquet writers' pooled buffers go first; a check below the limit keeps them", () => {
  const { watch, set } = watched(400, 32, 100)
  giveBack(new ArrayBuffer(1 * MiB))
  set(399)
  watch.check()
  assert.ok(pooledBytes() >= 1 * MiB)
  set(450)
  assert.equal(watch.check(), true)
  assert.equal(pooledBytes(), 0)
})

test('live memory above the limit is collected once per step of growth, not at every check', () => {
  const { watch, calls, set } = watched(400, 32, 10)
  set(500)
  assert.equal(watch.check(), true) // 500 -> 490: the next one is due at 522
  for (const mib of [495, 510, 521]) {
    set(mib)
    assert.equal(watch.check(), false, `${mib} MiB is within the step`)
  }
  set(523)
  assert.equal(watch.check(), true)
  assert.deepEqual(calls, [500, 523])
})

test('a runtime that cannot collect is asked once; a bad limit is a RangeError naming it', () => {
  let asked = 0
  const watch = new MemoryWatch({
    limitBytes: 1,
    resident: () => 2,
    collect: () => (asked++, false),
    trim: () => false,
  })
  assert.equal(watch.check(), false)
  assert.equal(watch.check(), false)
  assert.equal(asked, 1)
  assert.equal(watch.stats.collections, 0)
  assert.throws(() => new MemoryWatch({ limitBytes: 0 }), /limit of 0 bytes: use a positive/)
})

test('collectGarbage runs a real collection on this runtime: an unreachable object is gone', async () => {
  let ref: WeakRef<object> | undefined
  ;(() => {
    ref = new WeakRef({ payload: new Array(1000).fill(1) })
  })()
  // A WeakRef's target stays alive until the current job ends.
  await new Promise((resolve) => setTimeout(resolve, 0))
  assert.equal(collectGarbage(), true)
  assert.equal(ref!.deref(), undefined)
})

test('the watch started by an export reads the real resident size and stops cleanly', async () => {
  const watch = new MemoryWatch({ limitBytes: 1, intervalMs: 5 }).start()
  // A busy machine may run the timer late: wait for its first check, up to 10 s.
  for (let waited = 0; watch.stats.collections === 0 && waited < 10_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  watch.stop()
  assert.ok(watch.stats.peakBytes > 10 * MiB, `resident size read: ${watch.stats.peakBytes}`)
  assert.ok(watch.stats.collections >= 1, 'a limit of 1 byte collects at the first check')
  const after = watch.stats.collections
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(watch.stats.collections, after, 'no checks after stop()')
})

test('the young generation is capped when the watch starts and at every check, and uncapped when it stops', () => {
  const calls: string[] = []
  let resident = 10 * MiB
  const watch = new MemoryWatch({
    limitBytes: 400 * MiB,
    resident: () => resident,
    collect: () => true,
    trim: () => false,
    young: { cap: () => void calls.push('cap'), uncap: () => void calls.push('uncap') },
  })
  assert.deepEqual(calls, [], 'nothing before it starts')
  watch.start()
  watch.start()
  assert.deepEqual(calls, ['cap'], 'once as it starts; a second start() changes nothing')
  watch.check()
  resident = 500 * MiB
  watch.check()
  assert.deepEqual(calls, ['cap', 'cap', 'cap'], 'once per check, below the limit and above it')
  watch.stop()
  watch.stop()
  assert.deepEqual(calls, ['cap', 'cap', 'cap', 'uncap'], 'uncapped once when it stops')
})
