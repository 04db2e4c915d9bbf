import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ColumnReducer } from '../../src/report/column_reducer.ts'
import { sparkline, sparklineLines } from '../../src/report/sparkline.ts'

function reduced(values: number[]) {
  const r = new ColumnReducer({ maxBuckets: 64 })
  values.forEach((v, i) => r.add(i, v))
  return r.finish()
}

describe('sparkline', () => {
  it('draws a rising line from the lowest to the highest block', () => {
    assert.equal(sparkline(reduced([0, 1, 2, 3, 4, 5, 6, 7]), 8), '▁▂▃▄▅▆▇█')
  })

  it('keeps a one-step spike among 100,000 steps visible', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => (i === 81_234 ? 50 : 1))
    const line = sparkline(reduced(values), 20)
    assert.equal(line.length, 20)
    assert.equal([...line].filter((c) => c === '█').length, 1)
    assert.equal(line.indexOf('█'), 16)
  })

  it('marks columns holding only NaN/±Infinity with × and leaves unlogged columns blank', () => {
    const r = new ColumnReducer()
    for (const [x, y] of [[0, 1], [1, NaN], [2, NaN], [6, 2], [7, 3]]) r.add(x, y)
    assert.equal(sparkline(r.finish(), 8), '▁××   ▅█')
  })

  it('labels each key with min, max, last and the non-finite count', () => {
    const lines = sparklineLines(
      new Map([['train/loss', reduced([3, 2, NaN, 1])], ['lr', reduced([0.1, 0.1])]]),
      4,
    )
    assert.deepEqual(lines, [
      'train/loss  █▅×▁  min 1  max 3  last 1  (1 non-finite)',
      'lr          ▄  ▄  min 0.1  max 0.1  last 0.1',
    ])
  })

  it('rejects a width below 1', () => {
    assert.throws(() => sparkline(reduced([1]), 0), /sparkline width must be a positive integer/)
  })
})
