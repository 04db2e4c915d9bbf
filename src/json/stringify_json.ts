/**
 * JSON text for values that may hold NaN or ±Infinity, with an explicit policy for them.
 *
 * @module
 */

/** How NaN and ±Infinity are written: as the strings "NaN"/"Infinity"/"-Infinity", as null, or as bare tokens (not valid JSON). */
export type NanPolicy = 'string' | 'null' | 'literal'

/** Options for {@linkcode stringifyJson}. */
export interface StringifyJsonOptions {
  /** How NaN/±Infinity are written; @default 'string' */
  nan?: NanPolicy
  /** Indentation, as for JSON.stringify; @default undefined (compact) */
  indent?: number
}

const NAN_MARK = '\u0000wbx-nonfinite:'

/** Serializes a value to JSON text, writing non-finite numbers by the given policy. */
export function stringifyJson(value: unknown, options: StringifyJsonOptions = {}): string {
  const nan = options.nan ?? 'string'
  let sawNonFinite = false
  const replace = (v: unknown): unknown => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      if (nan === 'null') return null
      sawNonFinite = true
      return nan === 'string' ? String(v) : NAN_MARK + String(v)
    }
    if (typeof v === 'bigint') return Number(v)
    return v
  }
  let text: string
  try {
    // Some runtimes take seconds to overflow: a value that is plainly deep skips the attempt.
    if (firstChainDepth(value) >= DEEP_CHAIN) throw new RangeError('deep value')
    text = JSON.stringify(value, (_key, v) => replace(v), options.indent)
  } catch (err) {
    // The runtime's JSON.stringify recurses; a value nested thousands of levels deep overflows
    // its stack, so it is written again without recursion.
    if (!(err instanceof RangeError)) throw err
    text = stringifyDeep(value, replace, options.indent)
  }
  if (!sawNonFinite || nan !== 'literal') return text
  return text.replace(/"\\u0000wbx-nonfinite:(NaN|Infinity|-Infinity)"/g, '$1')
}

/** Nesting at which the runtime's own JSON.stringify is not tried. */
const DEEP_CHAIN = 1000

/** How deep the chain of first object-valued children goes (up to {@linkcode DEEP_CHAIN}). */
function firstChainDepth(value: unknown): number {
  let depth = 0
  let node = value
  while (depth < DEEP_CHAIN && node !== null && typeof node === 'object') {
    depth++
    let next: unknown = undefined
    for (const key in node) {
      const child = (node as Record<string, unknown>)[key]
      if (child !== null && typeof child === 'object') {
        next = child
        break
      }
    }
    node = next
  }
  return depth
}

/** A frame of {@linkcode stringifyDeep}: an object or array being written. */
interface Frame {
  close: string
  entries: [string | undefined, unknown][]
  next: number
  level: number
}

/** Levels indented by {@linkcode stringifyDeep}; deeper ones are compact (indenting every level would make the text grow with the square of the depth). */
const MAX_INDENTED_LEVELS = 64

/**
 * JSON.stringify without recursion (same text, `toJSON` and omission rules), for values nested
 * too deep for the runtime's own; `replace` sees every value as the replacer would. With an
 * indent, only the first 64 levels are indented.
 */
export function stringifyDeep(
  value: unknown,
  replace: (v: unknown) => unknown,
  indent?: number,
): string {
  const gap = indent && indent > 0 ? ' '.repeat(Math.min(10, indent)) : ''
  const out: string[] = []
  const stack: Frame[] = []
  const prepare = (v: unknown): unknown => {
    if (
      v !== null && typeof v === 'object' &&
      typeof (v as { toJSON?: unknown }).toJSON === 'function'
    ) {
      v = (v as { toJSON: () => unknown }).toJSON()
    }
    return replace(v)
  }
  const skipped = (v: unknown) =>
    v === undefined || typeof v === 'function' || typeof v === 'symbol'
  const open = (v: unknown, level: number): void => {
    if (v === null) return void out.push('null')
    if (typeof v === 'number') return void out.push(Number.isFinite(v) ? String(v) : 'null')
    if (typeof v === 'boolean') return void out.push(String(v))
    if (typeof v === 'string') return void out.push(JSON.stringify(v))
    if (Array.isArray(v)) {
      out.push('[')
      stack.push({ close: ']', entries: v.map((x) => [undefined, x]), next: 0, level: level + 1 })
      return
    }
    const entries: [string, unknown][] = []
    for (const key of Object.keys(v as object)) {
      entries.push([key, (v as Record<string, unknown>)[key]])
    }
    out.push('{')
    stack.push({ close: '}', entries, next: 0, level: level + 1 })
  }
  const root = prepare(value)
  if (skipped(root)) return undefined as unknown as string
  open(root, 0)
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]
    let written = false
    while (frame.next < frame.entries.length) {
      const [key, raw] = frame.entries[frame.next++]
      const v = prepare(raw)
      if (key !== undefined && skipped(v)) continue
      if (frame.next > 1 && out[out.length - 1] !== '{' && out[out.length - 1] !== '[') {
        out.push(',')
      }
      if (gap && frame.level <= MAX_INDENTED_LEVELS) out.push('\n' + gap.repeat(frame.level))
      if (key !== undefined) {
        out.push(JSON.stringify(key) + (gap && frame.level <= MAX_INDENTED_LEVELS ? ': ' : ':'))
      }
      if (skipped(v)) out.push('null')
      else open(v, frame.level)
      written = true
      break
    }
    if (written) continue
    stack.pop()
    const empty = out[out.length - 1] === '{' || out[out.length - 1] === '['
    if (gap && !empty && frame.level <= MAX_INDENTED_LEVELS) {
      out.push('\n' + gap.repeat(frame.level - 1))
    }
    out.push(frame.close)
  }
  return out.join('')
}
