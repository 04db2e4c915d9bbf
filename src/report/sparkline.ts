/**
 * Sparklines for a terminal: one line of block characters per key, drawn from a reduced series
 * with each character column showing the highest value that fell in it (so a spike shows), `×`
 * where a column holds only NaN/±Infinity, and a blank where nothing was logged.
 *
 * @module
 */
import type { ReducedSeries } from './column_reducer.ts'

const BLOCKS = '▁▂▃▄▅▆▇█'

/** The sparkline of a reduced series, `width` characters wide. */
export function sparkline(series: ReducedSeries, width = 32): string {
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`sparkline width must be a positive integer, got ${width}`)
  }
  const xs = series.x
  if (xs.length === 0) return ''
  const x0 = xs[0]
  const span = xs[xs.length - 1] - x0
  const col = (
    x: number,
  ) => (span > 0 ? Math.min(width - 1, Math.floor((x - x0) / span * width)) : 0)
  const highs: (number | undefined)[] = new Array(width).fill(undefined)
  const bad: boolean[] = new Array(width).fill(false)
  for (let i = 0; i < xs.length; i++) {
    const c = col(xs[i])
    const y = series.y[i]
    if (y === null) bad[c] = true
    else if (highs[c] === undefined || y > highs[c]!) highs[c] = y
  }
  const lo = series.min?.y ?? 0
  const hi = series.max?.y ?? 0
  const cols = span > 0 ? width : 1
  let out = ''
  for (let c = 0; c < cols; c++) {
    const h = highs[c]
    if (h === undefined) out += bad[c] ? '×' : ' '
    else out += BLOCKS[hi > lo ? Math.round((h - lo) / (hi - lo) * (BLOCKS.length - 1)) : 3]
  }
  return out
}

/** Formats a number briefly for a sparkline label (6 significant digits). */
function brief(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–'
  if (!Number.isFinite(v)) return String(v)
  const a = Math.abs(v)
  return a !== 0 && (a >= 1e6 || a < 1e-4) ? v.toExponential(3) : String(Number(v.toPrecision(6)))
}

/** Lines `key  ▁▂▅█▃  min … max … last …` for every series, keys padded to one column. */
export function sparklineLines(series: Map<string, ReducedSeries>, width = 32): string[] {
  const pad = Math.min(32, Math.max(0, ...[...series.keys()].map((k) => k.length)))
  const lines: string[] = []
  for (const [key, s] of series) {
    const bad = s.nonFinite.NaN + s.nonFinite.Infinity + s.nonFinite['-Infinity']
    lines.push(
      `${key.padEnd(pad)}  ${sparkline(s, width).padEnd(width)}  min ${brief(s.min?.y)}  max ${
        brief(s.max?.y)
      }  last ${brief(s.last)}${bad ? `  (${bad} non-finite)` : ''}`,
    )
  }
  return lines
}
