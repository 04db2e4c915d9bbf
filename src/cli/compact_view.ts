/**
 * The compact terminal view of one document (`wbx summary`, `wbx info` on a terminal): one line
 * per key, nested objects as dotted keys, histograms, media, tables and long arrays collapsed to
 * one line each. `--json` prints the whole document instead.
 *
 * @module
 */

/** Options of {@link compactView}. */
export interface CompactViewOptions {
  /** Line width to fit values into. @default 100 */
  width?: number
  /**
   * An extra column between key and value (e.g. a sparkline of the key's history); returns the
   * cell text for a dotted key, or undefined for none. @default no extra column
   */
  extraColumn?: (key: string) => string | undefined
}

/** One line of the view: the dotted key, its original value and its one-line text. */
export interface CompactEntry {
  key: string
  value: unknown
  text: string
}

/** Flattens a document into one entry per leaf (media and arrays are leaves), in document order. */
export function compactEntries(doc: Record<string, unknown>): CompactEntry[] {
  const out: CompactEntry[] = []
  const visit = (prefix: string, value: unknown, depth: number): void => {
    if (isPlainObject(value) && !('_type' in value) && depth < 8) {
      const entries = Object.entries(value)
      if (entries.length === 0) out.push({ key: prefix, value, text: '{}' })
      for (const [k, v] of entries) visit(prefix === '' ? k : `${prefix}.${k}`, v, depth + 1)
      return
    }
    out.push({ key: prefix, value, text: oneLine(value) })
  }
  for (const [k, v] of Object.entries(doc)) visit(k, v, 0)
  return out
}

/** Renders a document as aligned `key  value` lines that fit the width. */
export function compactView(
  doc: Record<string, unknown>,
  options: CompactViewOptions = {},
): string {
  const width = Math.max(options.width ?? 100, 40)
  const entries = compactEntries(doc)
  if (entries.length === 0) return '(empty)\n'
  const keyWidth = Math.min(Math.max(...entries.map((e) => e.key.length)), 40)
  const extras = entries.map((e) => options.extraColumn?.(e.key) ?? '')
  const extraWidth = Math.max(0, ...extras.map((x) => x.length))
  const lines = entries.map((entry, i) => {
    const key = fit(entry.key, keyWidth).padEnd(keyWidth)
    const extra = extraWidth > 0 ? `${extras[i].padEnd(extraWidth)}  ` : ''
    const room = Math.max(width - keyWidth - 2 - extra.length, 10)
    return `${key}  ${extra}${fit(entry.text, room)}`.trimEnd()
  })
  return lines.join('\n') + '\n'
}

/** One line of text for any value: numbers and strings as they are, media and arrays summarised. */
export function oneLine(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number') return formatNumber(value)
  if (typeof value === 'string') return value === '' ? '""' : value.replace(/\r?\n/g, '⏎')
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (Array.isArray(value)) return arrayLine(value)
  if (isPlainObject(value)) {
    const type = value._type
    if (type === 'histogram') return histogramLine(value)
    if (typeof type === 'string') return mediaLine(type, value)
    return `{${Object.keys(value).length} keys}`
  }
  return String(value)
}

function histogramLine(h: Record<string, unknown>): string {
  const counts = Array.isArray(h.values) ? h.values : []
  const total = counts.reduce((n: number, v) => n + (typeof v === 'number' ? v : 0), 0)
  const packed = isPlainObject(h.packedBins) ? h.packedBins : undefined
  const edges = Array.isArray(h.bins) ? h.bins.filter((b) => typeof b === 'number') : []
  const bins = packed ? Number(packed.count) : Math.max(edges.length - 1, counts.length)
  let range = ''
  if (packed && typeof packed.min === 'number' && typeof packed.size === 'number') {
    range = ` over [${formatNumber(packed.min)}, ${formatNumber(packed.min + packed.size * bins)}]`
  } else if (edges.length > 1) {
    range = ` over [${formatNumber(edges[0])}, ${formatNumber(edges[edges.length - 1])}]`
  }
  return `histogram: ${bins} bins${range}, ${total.toLocaleString('en-US')} values`
}

function mediaLine(type: string, m: Record<string, unknown>): string {
  const parts = [type]
  if (typeof m.width === 'number' && typeof m.height === 'number') {
    parts.push(`${m.width}×${m.height}`)
  }
  if (typeof m.nrows === 'number') parts.push(`${m.nrows} rows × ${m.ncols ?? '?'} cols`)
  if (typeof m.count === 'number') parts.push(`${m.count} items`)
  if (typeof m.size === 'number') parts.push(`${m.size.toLocaleString('en-US')} bytes`)
  if (typeof m.path === 'string') parts.push(m.path)
  else if (Array.isArray(m.filenames)) parts.push(`${m.filenames.length} files`)
  return parts.join(' ')
}

function arrayLine(a: unknown[]): string {
  const simple = a.every((v) => v === null || ['number', 'string', 'boolean'].includes(typeof v))
  if (simple && a.length <= 8) {
    const text = `[${a.map((v) => (typeof v === 'string' ? v : oneLine(v))).join(', ')}]`
    if (text.length <= 60) return text
  }
  const head = a.slice(0, 3).map((v) => oneLine(v)).join(', ')
  return `[${a.length} item${a.length === 1 ? '' : 's'}] ${head}${a.length > 3 ? ', …' : ''}`
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity'
  if (Number.isInteger(n)) return String(n)
  const abs = Math.abs(n)
  if (abs < 1e-4 || abs >= 1e15) return n.toExponential(4)
  if (abs >= 1e4) return String(Number(n.toFixed(3))) // timestamps keep their milliseconds
  return String(Number(n.toPrecision(6)))
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(width - 1, 0))}…`
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
