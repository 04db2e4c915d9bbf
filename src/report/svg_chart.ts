/**
 * One static line chart as SVG text (for READMEs and papers): axes with round ticks, one path per
 * reduced series (broken at non-finite values, which are marked), and a legend. Drawn from the
 * reduced points, so every bucket's extremes are in the picture.
 *
 * @module
 */
import type { NonFiniteKind } from './column_reducer.ts'
import { escapeHtml } from './report_html.ts'

/** One line of an SVG chart. */
export interface SvgSeries {
  /** Legend text. */
  label: string
  /** x of each point, ascending. */
  x: number[]
  /** y of each point; null breaks the line. */
  y: (number | null)[]
  /** Non-finite values as [x, kind], drawn as markers. */
  marks: [number, NonFiniteKind][]
}

/** Options of renderSvgChart. */
export interface SvgChartOptions {
  /** Title above the chart. */
  title?: string
  /** Label under the x axis. */
  xLabel?: string
  /** Width in pixels. @default 800 */
  width?: number
  /** Height in pixels. @default 400 */
  height?: number
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2']
const MARK: Record<NonFiniteKind, string> = {
  NaN: '#d62728',
  Infinity: '#ff7f0e',
  '-Infinity': '#9467bd',
}

/** The SVG text of one chart; see the module doc. */
export function renderSvgChart(series: SvgSeries[], options: SvgChartOptions = {}): string {
  const width = options.width ?? 800
  const height = options.height ?? 400
  const pad = { left: 64, right: 16, top: options.title ? 34 : 14, bottom: 46 + 16 * series.length }
  const plotW = width - pad.left - pad.right
  const plotH = height - pad.top - pad.bottom
  if (plotW < 40 || plotH < 40) {
    throw new RangeError(`chart of ${width}×${height} px leaves no room to plot; make it bigger`)
  }
  const [x0, x1] = extent(series.flatMap((s) => [...s.x, ...s.marks.map((m) => m[0])]))
  const [y0, y1] = extent(series.flatMap((s) => s.y.filter((v): v is number => v !== null)))
  const xs = ticks(x0, x1, Math.max(2, Math.floor(plotW / 90)))
  const ys = ticks(y0, y1, Math.max(2, Math.floor(plotH / 50)))
  const [sx0, sx1] = [Math.min(x0, xs[0]), Math.max(x1, xs[xs.length - 1])]
  const [sy0, sy1] = [Math.min(y0, ys[0]), Math.max(y1, ys[ys.length - 1])]
  const px = (x: number) => pad.left + (sx1 === sx0 ? plotW / 2 : (x - sx0) / (sx1 - sx0) * plotW)
  const py = (y: number) =>
    pad.top + (sy1 === sy0 ? plotH / 2 : (1 - (y - sy0) / (sy1 - sy0)) * plotH)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ]
  if (options.title) {
    out.push(
      `<text x="${pad.left}" y="20" font-size="14" font-weight="600">${
        escapeHtml(options.title)
      }</text>`,
    )
  }
  for (const t of ys) {
    const y = r(py(t))
    out.push(
      `<line x1="${pad.left}" x2="${pad.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
    )
    out.push(
      `<text x="${pad.left - 6}" y="${y + 4}" text-anchor="end" fill="#555">${tickText(t)}</text>`,
    )
  }
  for (const t of xs) {
    const x = r(px(t))
    out.push(`<line x1="${x}" x2="${x}" y1="${pad.top}" y2="${pad.top + plotH}" stroke="#f0f0f0"/>`)
    out.push(
      `<text x="${x}" y="${pad.top + plotH + 16}" text-anchor="middle" fill="#555">${
        tickText(t)
      }</text>`,
    )
  }
  out.push(
    `<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  )
  if (options.xLabel) {
    out.push(
      `<text x="${pad.left + plotW / 2}" y="${
        pad.top + plotH + 32
      }" text-anchor="middle" fill="#333">${escapeHtml(options.xLabel)}</text>`,
    )
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]
    let d = ''
    let pen = false
    for (let k = 0; k < s.x.length; k++) {
      const v = s.y[k]
      if (v === null) {
        pen = false
        continue
      }
      d += `${pen ? 'L' : 'M'}${r(px(s.x[k]))} ${r(py(v))}`
      pen = true
    }
    out.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.2" stroke-linejoin="round" data-series="${
        escapeHtml(s.label)
      }"/>`,
    )
    for (const [mx, kind] of s.marks) {
      const x = r(px(mx))
      const y = kind === '-Infinity' ? pad.top + plotH : pad.top
      const dir = kind === '-Infinity' ? -1 : 1
      out.push(
        `<path d="M${x - 4} ${y}L${x + 4} ${y}L${x} ${y + dir * 7}Z" fill="${
          MARK[kind]
        }"><title>${kind} at ${mx}</title></path>`,
      )
    }
    const ly = pad.top + plotH + 36 + 16 * (i + (options.xLabel ? 0.6 : 0))
    out.push(
      `<line x1="${pad.left}" x2="${pad.left + 18}" y1="${ly - 4}" y2="${
        ly - 4
      }" stroke="${color}" stroke-width="2"/>`,
    )
    out.push(`<text x="${pad.left + 24}" y="${ly}" fill="#333">${escapeHtml(s.label)}</text>`)
  })
  out.push('</svg>', '')
  return out.join('\n')
}

function r(v: number): number {
  return Math.round(v * 10) / 10
}

function extent(values: number[]): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return lo === Infinity ? [0, 1] : [lo, hi]
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^n). */
export function ticks(lo: number, hi: number, count: number): number[] {
  if (hi === lo) return [lo]
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const out: number[] = []
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)))
  }
  return out
}

function tickText(v: number): string {
  const a = Math.abs(v)
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(1)
  return String(Number(v.toPrecision(6)))
}
