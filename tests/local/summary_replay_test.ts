import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SummaryReplay } from '../../src/local/summary_replay.ts'
import type { HistoryRecord, Item, UpdateRecord } from '../../src/local/record_types.ts'

function items(pairs: [string[], string][]): Item[] {
  return pairs.map(([path, valueJson]) => ({ path, valueJson }))
}
function hist(pairs: [string[], string][]): HistoryRecord {
  return { items: items(pairs) }
}
function upd(update: [string[], string][], remove: string[][] = []): UpdateRecord {
  return { update: items(update), remove: remove.map((path) => ({ path, valueJson: '' })) }
}

describe('SummaryReplay', () => {
  it('takes the last row that logged each top-level key (S_hist)', () => {
    const s = new SummaryReplay()
    s.addHistory(hist([[['_step'], '0'], [['loss'], '2'], [['acc'], '0.1']]))
    s.addHistory(hist([[['_step'], '1'], [['loss'], '1.5']]))
    assert.deepEqual(s.result(), { _step: 1, loss: 1.5, acc: 0.1 })
  })

  it('replaces a whole nested top-level value with the latest row, not merged leaves', () => {
    const s = new SummaryReplay()
    s.addHistory(hist([[['img', '_type'], '"image-file"'], [['img', 'caption'], '"first"']]))
    s.addHistory(hist([[['img', '_type'], '"image-file"'], [['img', 'path'], '"b.png"']]))
    assert.deepEqual(s.result(), { img: { _type: 'image-file', path: 'b.png' } })
  })

  it('lets summary records win over history values, including define_metric objects', () => {
    const s = new SummaryReplay()
    s.applySummary(upd([[['loss', 'min'], '0.5'], [['loss', 'last'], '0.5']]))
    s.addHistory(hist([[['loss'], '0.5'], [['_step'], '1']]))
    assert.deepEqual(s.result(), { loss: { min: 0.5, last: 0.5 }, _step: 1 })
  })

  it('applies removals by path, and later sets override earlier removals', () => {
    const s = new SummaryReplay()
    s.addHistory(hist([[['a'], '1'], [['b'], '2'], [['c'], '{"x": 1, "y": 2}']]))
    s.applySummary(upd([], [['a'], ['c', 'x']]))
    s.applySummary(upd([[['b'], '3']], [['b']]))
    s.applySummary(upd([[['b'], '4']]))
    assert.deepEqual(s.result(), { b: 4, c: { y: 2 } })
  })

  it('replays ancestor and descendant operations in file order', () => {
    const s = new SummaryReplay()
    s.applySummary(upd([[['a', 'b'], '1']]))
    s.applySummary(upd([[['a'], '{"z": 0}']]))
    s.applySummary(upd([[['a', 'c'], '2']]))
    assert.deepEqual(s.result(), { a: { z: 0, c: 2 } })
    s.applySummary(upd([[['a'], '5']]))
    assert.deepEqual(s.result(), { a: 5 })
  })

  it('gives only the summary records with fromHistory: false', () => {
    const s = new SummaryReplay()
    s.addHistory(hist([[['x'], '2'], [['_step'], '2']]))
    s.applySummary(upd([[['_step'], '2']]))
    assert.deepEqual(s.result({ fromHistory: false }), { _step: 2 })
    assert.deepEqual(s.result(), { x: 2, _step: 2 })
  })

  it('keeps NaN and Infinity values', () => {
    const s = new SummaryReplay()
    s.addHistory(hist([[['v'], 'NaN'], [['w'], '-Infinity']]))
    const out = s.result()
    assert.ok(Number.isNaN(out.v))
    assert.equal(out.w, -Infinity)
  })

  it('keeps the result small when one key is updated many times', () => {
    const s = new SummaryReplay()
    for (let i = 0; i < 10000; i++) {
      s.addHistory(hist([[['_step'], String(i)], [['loss'], String(1 / (i + 1))]]))
      s.applySummary(upd([[['_step'], String(i)], [['_runtime'], String(i)]]))
    }
    assert.deepEqual(s.result(), { _step: 9999, loss: 1 / 10000, _runtime: 9999 })
  })
})
