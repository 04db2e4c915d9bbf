import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HistorySlice } from '../../../src/api/history/history_slice.ts'
import { StepMerger, type StepSource } from '../../../src/api/history/step_merge.ts'
import type { Row } from '../../../src/row.ts'

/** A source that returns the given batches in turn and promises each next batch's first step. */
function source(batches: Row[][]): StepSource & { reads: number } {
  let i = 0
  return {
    reads: 0,
    get nextStep() {
      if (i >= batches.length) return Infinity
      return Math.min(...batches[i].map((r) => r._step as number))
    },
    read() {
      this.reads++
      return Promise.resolve(batches[i++] ?? [])
    },
  }
}

async function drain(merger: StepMerger): Promise<Row[][]> {
  const out: Row[][] = []
  for (let batch = await merger.next(); batch; batch = await merger.next()) out.push(batch)
  return out
}

test('StepMerger interleaves sources by step and merges a shared step, later source winning', async () => {
  const a = source([[{ _step: 0, a: 1 }, { _step: 2, a: 1 }], [{ _step: 4, a: 1, x: 'a' }]])
  const b = source([[{ _step: 1, b: 1 }], [{ _step: 4, b: 1, x: 'b' }, { _step: 5, b: 1 }]])
  const merger = new StepMerger([a, b])
  assert.equal(merger.lastStep, -Infinity)
  const rows = (await drain(merger)).flat()
  assert.deepEqual(rows.map((r) => r._step), [0, 1, 2, 4, 5])
  assert.deepEqual(rows[3], { _step: 4, a: 1, x: 'b', b: 1 })
  assert.deepEqual(merger.counts, { rowsBySource: [3, 3], mergedDuplicates: 1 })
  assert.equal(merger.lastStep, 5)
  assert.equal(await merger.next(), null)
})

test('StepMerger emits only rows below every source promise', async () => {
  const a = source([[{ _step: 0 }, { _step: 10 }]])
  const b = source([[{ _step: 5 }]])
  const merger = new StepMerger([a, b])
  assert.deepEqual(await merger.next(), [{ _step: 0 }])
  assert.equal(b.reads, 0) // step 0 was final without reading b
  assert.deepEqual(await merger.next(), [{ _step: 5 }, { _step: 10 }])
})

test('StepMerger sorts an unordered batch and folds away a step sent again after emission', async () => {
  let sent = 0
  const liar: StepSource = {
    get nextStep() {
      return sent === 0 ? 0 : sent === 1 ? 3 : Infinity
    },
    read() {
      sent++
      return Promise.resolve(
        sent === 1
          ? [{ _step: 2 }, { _step: 0 }, { _step: 1 }]
          : sent === 2
          ? [{ _step: 1, late: true }, { _step: 3 }]
          : [],
      )
    },
  }
  const merger = new StepMerger([liar])
  const rows = (await drain(merger)).flat()
  assert.deepEqual(rows, [{ _step: 0 }, { _step: 1 }, { _step: 2 }, { _step: 3 }])
  assert.equal(merger.counts.mergedDuplicates, 1)
})

test('StepMerger over no sources ends at once', async () => {
  assert.equal(await new StepMerger([]).next(), null)
})

test('StepMerger.nextSlice takes a slice only from the lowest source, below every other promise', async () => {
  const slices: HistorySlice[] = []
  const sliced = (from: number, count: number) => {
    const steps = Array.from({ length: count }, (_, i) => from + i)
    return new HistorySlice(['_step'], [steps], steps, 0, count)
  }
  // a: a slice source of steps 0-4 then 5-9; b: rows from step 7
  let pos = 0
  const batches = [sliced(0, 5), sliced(5, 5)]
  const a: StepSource = {
    get nextStep() {
      return pos < batches.length ? batches[pos].firstStep : Infinity
    },
    read: () => Promise.resolve(batches[pos++]?.rows() ?? []),
    readSlice(after: number, before: number) {
      const slice = batches[pos]
      if (!slice || slice.firstStep <= after || slice.lastStep >= before) {
        return Promise.resolve(undefined)
      }
      pos++
      slices.push(slice)
      return Promise.resolve(slice)
    },
  }
  const b = source([[{ _step: 7, b: 1 }]])
  const merger = new StepMerger([a, b])
  const first = await merger.nextSlice()
  assert.equal(first, batches[0], 'steps 0-4 are below b’s promise (7)')
  assert.equal(merger.lastStep, 4)
  assert.equal(await merger.nextSlice(), undefined, 'steps 5-9 reach b’s step 7: merge as rows')
  const rest = await drain(merger)
  assert.deepEqual(rest.flat().map((r) => r._step), [5, 6, 7, 8, 9])
  assert.deepEqual(rest.flat().find((r) => r._step === 7), { _step: 7, b: 1 })
  assert.deepEqual(merger.counts.rowsBySource, [10, 1])
  assert.equal(slices.length, 1)
})
