import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { renderSvgChart, ticks } from '../../src/report/svg_chart.ts'

describe('renderSvgChart', () => {
  it('draws one path per series, broken at nulls, with a marker per non-finite value', () => {
    const svg = renderSvgChart(
      [
        { label: 'a<b>', x: [0, 1, 2, 3], y: [0, 1, null, 3], marks: [[2, 'NaN']] },
        { label: 'c', x: [0, 3], y: [3, 0], marks: [[1, '-Infinity']] },
      ],
      { title: 'T & U', xLabel: '_step', width: 400, height: 300 },
    )
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="400" height="300"/)
    const paths = [...svg.matchAll(/<path d="([^"]+)" fill="none"/g)].map((m) => m[1])
    assert.equal(paths.length, 2)
    assert.equal(paths[0].match(/M/g)!.length, 2, 'the null starts a new sub-path')
    assert.equal(paths[0].match(/L/g)!.length, 1)
    assert.match(svg, /<title>NaN at 2<\/title>/)
    assert.match(svg, /<title>-Infinity at 1<\/title>/)
    assert.ok(svg.includes('>T &#38; U</text>') && svg.includes('data-series="a&#60;b&#62;"'))
  })

  it('refuses a size with no room to plot', () => {
    assert.throws(
      () => renderSvgChart([{ label: 'a', x: [0], y: [1], marks: [] }], { width: 60 }),
      /leaves no room to plot/,
    )
  })
})

it('ticks are round steps of 1, 2 or 5 covering the range', () => {
  assert.deepEqual(ticks(0, 1_000_000, 5), [0, 200_000, 400_000, 600_000, 800_000, 1_000_000])
  assert.deepEqual(ticks(0.13, 0.61, 4), [0, 0.2, 0.4, 0.6])
  assert.deepEqual(ticks(3, 3, 4), [3])
})
