import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SummaryReplay } from '../../src/local/summary_replay.ts'
import type { HistoryRecord, Item, UpdateRecord } from '../../src/local/record_types.ts'
import { readFile } from 'node:fs/promises'
import { readRecords } from '../../src/local/read_records.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const skip = skipWithoutSharedFixtures

/** Replays a fixture's history and summary records (and the run record's summary). */
async function replay(relative: string): Promise<SummaryReplay> {
  const s = new SummaryReplay()
  const types = new Set(['history', 'summary', 'run'] as const)
  for await (const batch of readRecords(sharedFixture(relative), { types })) {
    for (const rec of batch) {
      if (rec.type === 'history') s.addHistory(rec.history)
      else if (rec.type === 'summary') s.applySummary(rec.summary)
      else if (rec.type === 'run' && rec.run.summary) s.applySummary(rec.run.summary)
    }
  }
  return s
}

function compat(name: string): string {
  return `wandb-compat-logs-synthesized/offline-run-${name}/run-${name}.wandb`
}

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

  it('ignores null history values, keeping the previous value', () => {
    const s = new SummaryReplay()
    s.addHistory(hist([[['a'], '1'], [['b'], 'null']]))
    s.addHistory(hist([[['a'], 'null']]))
    assert.deepEqual(s.result(), { a: 1 })
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

describe('summaries of real logs', () => {
  // §5.2's "Summary after replay" column lists what summary records alone give (S_rec);
  // the §4.4 algorithm adds each history key's last value (S_hist) underneath.
  const compatCases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['old_auto_steps', { _step: 2 }, { x: 2, _step: 2 }],
    ['old_auto_steps_flat_keys', { _step: 2 }, { x: 2, _step: 2 }],
    ['old_explicit_steps', { _step: 10 }, { x: 2, _step: 10 }],
    ['old_resumed_run', { _step: 7 }, { x: 2, _step: 7 }],
    ['old_shared_mode', {}, { x: 1 }],
    ['old_no_history', { score: 1 }, { score: 1 }],
    ['old_bad_step_types', {}, { _step: [1] }],
    ['new_auto_steps', { x: 2 }, { x: 2 }],
    ['new_explicit_steps', { _step: 10 }, { x: 2, _step: 10 }],
    ['new_shared_mode', {}, { x: 1 }],
    ['new_resume_mode', {}, { x: 2 }],
  ]
  for (const [name, records, full] of compatCases) {
    it(`${name}: records ${JSON.stringify(records)}, with history ${JSON.stringify(full)}`, {
      skip,
    }, async () => {
      const s = await replay(compat(name))
      assert.deepEqual(s.result({ fromHistory: false }), records)
      assert.deepEqual(s.result(), full)
    })
  }

  it('2021 legacy run: empty summary, as files/wandb-summary.json', { skip }, async () => {
    const s = await replay('wandb-offline-run-2021/run-g9dvvkua.wandb')
    const written = JSON.parse(
      await readFile(sharedFixture('wandb-offline-run-2021/files/wandb-summary.json'), 'utf8'),
    )
    assert.deepEqual(written, {})
    assert.deepEqual(s.result(), written)
  })

  it('tiny0001: summary record values over the last history row', { skip }, async () => {
    const s = await replay(
      'wandb-leet-fixtures/wandb/single-tiny/wandb/run-20260102_030405-tiny0001/run-tiny0001.wandb',
    )
    assert.deepEqual(s.result({ fromHistory: false }), {
      best_step: 49,
      'eval/step_fn': 1,
      note: 'fixture summary',
      'train/loss': 0.285,
      'train/sine': 0.353408,
    })
    assert.deepEqual(s.result(), {
      _step: 49,
      _timestamp: 1767323096,
      'eval/step_fn': 1,
      'train/loss': 0.285,
      'train/sine': 0.353408,
      best_step: 49,
      note: 'fixture summary',
    })
  })

  it("media001: the last row's media objects become the summary", { skip }, async () => {
    const s = await replay(
      'wandb-leet-fixtures/wandb/media/wandb/run-20260102_030405-media001/run-media001.wandb',
    )
    const out = s.result()
    assert.equal(
      (out.samples as Record<string, unknown>).path,
      'media/images/samples_4_5fedb902.png',
    )
    assert.equal((out.gallery as Record<string, unknown>).count, 2)
    assert.equal(out._step, 4)
    assert.equal(out['train/loss'], 0.42)
  })
})
