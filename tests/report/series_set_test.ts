import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Row } from '../../src/row.ts'
import { keyMatches, keySelected, reduceRows } from '../../src/report/series_set.ts'

function stream(rows: Row[], batch = 3): ReadableStream<Row[]> {
  let i = 0
  return new ReadableStream({
    pull(c) {
      if (i >= rows.length) return c.close()
      c.enqueue(rows.slice(i, i += batch))
    },
  })
}

describe('reduceRows', () => {
  it('one series per numeric key (nested keys dotted), against the x key; other values skipped', async () => {
    const rows: Row[] = [
      { _step: 0, loss: 1, train: { acc: 0.5 }, name: 'a', img: { _type: 'image-file' } },
      { _step: 1, loss: NaN, _runtime: 3 },
      { loss: 5 },
      { _step: 2, loss: 0.5, train: { acc: 0.7 }, flag: true },
    ]
    const set = await reduceRows(stream(rows), { xKey: '_step' })
    assert.deepEqual([...set.series.keys()], ['loss', 'train.acc'])
    assert.deepEqual(set.series.get('loss')!.x, [0, 1, 2])
    assert.deepEqual(set.series.get('loss')!.y, [1, null, 0.5])
    assert.equal(set.rows, 4)
    assert.equal(set.rowsWithoutX, 1)
  })

  it('--keys picks exact keys and prefixes; keys past maxKeys are reported, not kept', async () => {
    const rows: Row[] = [{ _step: 0, 'train/a': 1, 'train/b': 2, 'val/a': 3, lr: 4, _runtime: 1 }]
    const picked = await reduceRows(stream(rows), {
      xKey: '_step',
      keys: ['train/', 'lr', '_runtime'],
    })
    assert.deepEqual([...picked.series.keys()], ['train/a', 'train/b', 'lr', '_runtime'])
    const capped = await reduceRows(stream(rows), { xKey: '_step', maxKeys: 2 })
    assert.deepEqual([...capped.series.keys()], ['train/a', 'train/b'])
    assert.deepEqual(capped.droppedKeys, ['val/a', 'lr'])
  })

  it('stops on abort and cancels the stream', async () => {
    let cancelled = false
    const rows = new ReadableStream<Row[]>({
      async pull(c) {
        await new Promise((resolve) => setTimeout(resolve, 1))
        c.enqueue([{ _step: 1, a: 1 }])
      },
      cancel() {
        cancelled = true
      },
    })
    const ac = new AbortController()
    setTimeout(() => ac.abort(new Error('stop')), 20)
    await assert.rejects(reduceRows(rows, { xKey: '_step', signal: ac.signal }), /stop/)
    assert.ok(cancelled)
  })

  it('keyMatches: a key, or a prefix ending at / or .', () => {
    assert.ok(keyMatches('train/loss', 'train'))
    assert.ok(keyMatches('train/loss', 'train/'))
    assert.ok(keyMatches('train.acc', 'train'))
    assert.ok(!keyMatches('training/loss', 'train'))
    assert.ok(!keyMatches('_step', 'step'))
    assert.ok(keySelected('loss', undefined))
    assert.ok(!keySelected('_runtime', undefined))
  })
})
