import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ColumnReducer, type ReducedSeries } from '../../src/report/column_reducer.ts'
import { seededRandom } from '../local/_log_writer.ts'

/** The drawn points as "x:y" strings (null as "x:null"). */
function drawn(r: ReducedSeries): Set<string> {
  return new Set(r.x.map((x, i) => `${x}:${r.y[i]}`))
}

/** Per bucket of the result, the raw first, min, max and last finite points. */
function expectedExtremes(xs: number[], ys: number[], r: ReducedSeries): Set<string> {
  const b = r.buckets!
  const per = new Map<number, { f: number; l: number; n: number; m: number }>()
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(ys[i])) continue
    const k = Math.floor((xs[i] - b.origin) / b.width)
    const e = per.get(k)
    if (!e) per.set(k, { f: i, l: i, n: i, m: i })
    else {
      if (xs[i] >= xs[e.l]) e.l = i
      if (ys[i] < ys[e.n]) e.n = i
      if (ys[i] > ys[e.m]) e.m = i
    }
  }
  const out = new Set<string>()
  for (const e of per.values()) for (const i of [e.f, e.l, e.n, e.m]) out.add(`${xs[i]}:${ys[i]}`)
  return out
}

describe('ColumnReducer', () => {
  it('keeps every point, in x order, while they fit', () => {
    const r = new ColumnReducer({ maxBuckets: 10 })
    for (const [x, y] of [[3, 1], [1, 5], [2, NaN], [4, -2]]) r.add(x, y)
    const out = r.finish()
    assert.deepEqual(out.x, [1, 2, 3, 4])
    assert.deepEqual(out.y, [5, null, 1, -2])
    assert.deepEqual(out.marks, [{ x: 2, kind: 'NaN' }])
    assert.equal(out.reduced, false)
    assert.equal(out.count, 3)
    assert.deepEqual(out.min, { x: 4, y: -2 })
    assert.deepEqual(out.max, { x: 1, y: 5 })
  })

  it('1M steps: one planted spike at 812,345 is drawn, in at most 4 points per bucket', () => {
    const rnd = seededRandom(7)
    const r = new ColumnReducer()
    for (let step = 0; step < 1_000_000; step++) {
      r.add(step, step === 812_345 ? 1e6 : 1 + rnd() * 0.01)
    }
    const out = r.finish()
    assert.ok(out.reduced)
    assert.ok(out.buckets!.count > 1000 && out.buckets!.count <= 2000, `${out.buckets!.count}`)
    assert.ok(out.x.length <= 4 * out.buckets!.count, `${out.x.length} points`)
    const at = out.x.indexOf(812_345)
    assert.ok(at >= 0, 'the spike step is drawn')
    assert.equal(out.y[at], 1e6)
    assert.deepEqual(out.max, { x: 812_345, y: 1e6 })
    assert.equal(out.count, 1_000_000)
    assert.equal(out.x[0], 0)
    assert.equal(out.x[out.x.length - 1], 999_999)
  })

  it("every bucket's first, lowest, highest and last raw point is drawn (random walk)", () => {
    const rnd = seededRandom(11)
    const xs: number[] = []
    const ys: number[] = []
    let y = 0
    for (let i = 0; i < 200_000; i++) {
      y += rnd() - 0.5
      xs.push(i * 0.37 + rnd() * 0.1)
      ys.push(y)
    }
    const r = new ColumnReducer({ maxBuckets: 300 })
    for (let i = 0; i < xs.length; i++) r.add(xs[i], ys[i])
    const out = r.finish()
    const have = drawn(out)
    const want = expectedExtremes(xs, ys, out)
    for (const p of want) assert.ok(have.has(p), `missing ${p}`)
    assert.equal(have.size, want.size, 'nothing else is drawn')
    for (let i = 1; i < out.x.length; i++) assert.ok(out.x[i] >= out.x[i - 1])
  })

  it('marks NaN, +Infinity and -Infinity per bucket and breaks the line there', () => {
    const r = new ColumnReducer({ maxBuckets: 100 })
    for (let step = 0; step < 100_000; step++) {
      const v = step === 50_000
        ? Infinity
        : step === 70_001
        ? -Infinity
        : step % 1000 === 3
        ? NaN
        : 1
      r.add(step, v)
    }
    const out = r.finish()
    assert.deepEqual(out.nonFinite, { NaN: 100, Infinity: 1, '-Infinity': 1 })
    assert.equal(out.count, 100_000 - 102)
    const inf = out.marks.filter((m) => m.kind === 'Infinity')
    assert.deepEqual(inf, [{ x: 50_000, kind: 'Infinity' }])
    assert.deepEqual(out.marks.filter((m) => m.kind === '-Infinity'), [{
      x: 70_001,
      kind: '-Infinity',
    }])
    const nans = out.marks.filter((m) => m.kind === 'NaN')
    assert.ok(nans.length >= 50 && nans.length <= 100, `${nans.length} NaN marks`)
    for (const m of out.marks) assert.equal(out.y[out.x.indexOf(m.x)], null)
    assert.ok(out.x.length <= 4 * 100 + out.marks.length)
  })

  it('x that is not a finite number is ignored; x out of order is sorted', () => {
    const r = new ColumnReducer({ maxBuckets: 4, exactPoints: 4 })
    const xs = [5, 1, 9, 3, NaN, 7, 2, 8, 0, 6, 4]
    for (const x of xs) r.add(x, x * 10)
    const out = r.finish()
    assert.equal(out.count, 10)
    assert.ok(out.reduced)
    for (let i = 1; i < out.x.length; i++) assert.ok(out.x[i] > out.x[i - 1])
    assert.ok(out.x.includes(0) && out.x.includes(9), 'the extremes stay')
  })

  it('rejects a bucket count below 2', () => {
    assert.throws(() => new ColumnReducer({ maxBuckets: 1 }), /maxBuckets must be an integer/)
  })
})
