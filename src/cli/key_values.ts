/**
 * `key=value` arguments of `wbx run set` (values read as JSON when they parse, else as strings;
 * dotted keys nest), and the text diff `--dry-run` prints.
 *
 * @module
 */
import { parseJson } from '../json/parse_json.ts'
import { stringifyJson } from '../json/stringify_json.ts'
import { formatPath, isPlainObject, type JsonEdit } from '../json/json_edit.ts'
import type { RunChanges } from '../api/run_update.ts'
import { UsageError } from './usage_error.ts'

/** Splits a dotted key into a path, refusing empty segments. */
export function keyPath(key: string, option: string): string[] {
  const path = key.split('.')
  if (path.some((s) => s.trim() === '')) {
    throw new UsageError(`--${option} key "${key}" has an empty part; use a.b.c`)
  }
  return path
}

/** Reads a value: JSON (numbers, booleans, null, NaN, objects, arrays, quoted strings), else the text. */
export function parseValue(text: string): unknown {
  try {
    return parseJson(text)
  } catch {
    return text
  }
}

/** Parses `key=value` (the first `=` splits) into a path and value. */
export function parseAssignment(arg: string, option: string): { path: string[]; value: unknown } {
  const eq = arg.indexOf('=')
  if (eq <= 0) throw new UsageError(`--${option} expects key=value, got "${arg}"`)
  return { path: keyPath(arg.slice(0, eq), option), value: parseValue(arg.slice(eq + 1)) }
}

/** The value at a path of an object, or undefined. */
export function valueAt(root: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = root
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return undefined
    node = node[key]
  }
  return node
}

/** Deletes the key at a path; false when it was not there. */
export function deleteAt(root: Record<string, unknown>, path: readonly string[]): boolean {
  const parent = valueAt(root, path.slice(0, -1))
  const last = path[path.length - 1]
  if (!isPlainObject(parent) || !Object.hasOwn(parent, last)) return false
  delete parent[last]
  return true
}

/** A value for the diff: JSON text, NaN and infinities written out, `(unset)` for missing. */
function show(value: unknown): string {
  return value === undefined ? '(unset)' : stringifyJson(value, { nan: 'literal' })
}

/** One diff line per edit of a JSON field: `field.path: old -> new` or `field.path: deleted`. */
function editLines(field: string, edits: readonly JsonEdit[], before: Record<string, unknown>) {
  return edits.map((e) => {
    const where = `${field}.${formatPath(e.path)}`
    const old = show(valueAt(before, e.path))
    return e.op === 'delete'
      ? `${where}: ${old} -> (deleted)`
      : `${where}: ${old} -> ${show(e.value)}`
  })
}

/** The changes as text lines, e.g. `notes: "a" -> "b"`, `tags: +x -y`, `summary.acc: 0.5 -> 0.9`. */
export function describeChanges(
  changes: RunChanges,
  before: { config?: Record<string, unknown>; summary?: Record<string, unknown> },
): string[] {
  const lines = changes.fields.map((f) => `${f.field}: ${show(f.from)} -> ${show(f.to ?? '')}`)
  const { added, removed } = changes.tags
  if (added.length + removed.length > 0) {
    lines.push(`tags: ${[...added.map((t) => `+${t}`), ...removed.map((t) => `-${t}`)].join(' ')}`)
  }
  lines.push(...editLines('config', changes.config, before.config ?? {}))
  lines.push(...editLines('summary', changes.summary, before.summary ?? {}))
  return lines
}
