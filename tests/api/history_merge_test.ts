import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Row } from '../../src/row.ts'
import { StepMerger, type StepSource } from '../../src/api/history/step_merge.ts'
import { rowFromParquet } from '../../src/api/history/history_row.ts'

/** A source that returns fixed batches, announcing each batch's first step as its lower bound. */
class Batches implements StepSource {
  #batches: Row[][]
  #bounds: number[]
  reads = 0
  constructor(batches: number[][], tag: string, bounds?: number[]) {
    this.#batches = batches.map((b) => b.map((step) => ({ _step: step, [tag]: step })))
    this.#bounds = bounds ?? batches.map((b) => Math.min(...b))
  }
  get nextStep(): number {
    return this.reads < this.#batches.length ? this.#bounds[this.reads] : Infinity
  }
  read(): Promise<Row[]> {
    return Promise.resolve(this.#batches[this.reads++] ?? [])
  }
}

/** Drains a merger into batches of steps. */
async function drain(merger: StepMerger): Promise<number[][]> {
  const out: number[][] = []
  for (;;) {
    const batch = await merger.next()
    if (!batch) return out
    out.push(batch.map((r) => r._step as number))
  }
}

test('disjoint exports and a live tail come out in step order, one batch per read', async () => {
  const a = new Batches([[0, 1, 2], [3, 4]], 'a')
  const b = new Batches([[5, 6], [7]], 'b')
  const live = new Batches([[8, 9]], 'live')
  const merger = new StepMerger([a, b, live])
  assert.deepEqual(await drain(merger), [[0, 1, 2], [3, 4], [5, 6], [7], [8, 9]])
  assert.deepEqual(merger.counts, { rowsBySource: [5, 3, 2], mergedDuplicates: 0 })
})

test('overlapping exports are interleaved and a shared step becomes one row, later source winning', async () => {
  const a = new Batches([[0, 2, 4], [6, 8]], 'a')
  const b = new Batches([[1, 4, 5], [8, 9]], 'b')
  const merger = new StepMerger([a, b])
  const rows: Row[] = []
  for (let batch = await merger.next(); batch; batch = await merger.next()) rows.push(...batch)
  assert.deepEqual(rows.map((r) => r._step), [0, 1, 2, 4, 5, 6, 8, 9])
  assert.deepEqual(rows.find((r) => r._step === 4), { _step: 4, a: 4, b: 4 })
  assert.equal(merger.counts.mergedDuplicates, 2)
})

test('row groups out of step order inside one export are still emitted in order', async () => {
  // Groups sorted by their smallest step, but the first group reaches past the second's start.
  const a = new Batches([[0, 5, 9], [3, 4, 12]], 'a')
  assert.deepEqual((await drain(new StepMerger([a]))).flat(), [0, 3, 4, 5, 9, 12])
})

test('a source that sends an already emitted step again is folded, never duplicated', async () => {
  // The source promises steps ≥ 3 after its first page, then repeats step 2.
  const live = new Batches([[0, 1, 2], [2, 3]], 'live', [0, 3])
  const merger = new StepMerger([live])
  assert.deepEqual((await drain(merger)).flat(), [0, 1, 2, 3])
  assert.equal(merger.counts.mergedDuplicates, 1)
})

test('export rows: flattened columns nest again, escaped dots stay in the key, JSON text decodes', () => {
  const row = rowFromParquet({
    _step: 7n,
    'eval.score': 0.5,
    'eval.count': 3n,
    'a\\.b': 1,
    img: '{"_type":"image-file","path":"x.png","nan":NaN}',
    note: 'plain text',
    list: '[1,2]',
    missing: null,
    when: new Date(1_700_000_000_500),
    bytes: new Uint8Array([104, 105]),
  })
  assert.ok(row)
  assert.deepEqual(Object.keys(row), [
    '_step',
    'eval',
    'a.b',
    'img',
    'note',
    'list',
    'when',
    'bytes',
  ])
  assert.equal(row._step, 7)
  assert.deepEqual(row.eval, { score: 0.5, count: 3 })
  assert.equal(row['a.b'], 1)
  assert.ok(Number.isNaN((row.img as Row).nan))
  assert.equal(row.note, 'plain text')
  assert.deepEqual(row.list, [1, 2])
  assert.equal(row.when, 1_700_000_000.5)
  assert.equal(row.bytes, 'aGk=')
  assert.equal(rowFromParquet({ _step: null, loss: 1 }), undefined)
})
