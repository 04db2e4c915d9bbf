/**
 * A history row's fingerprint: sha256 of its flattened keys and values in code-point key order,
 * with NaN, ±Infinity and -0 spelled out. The manifest keeps the fingerprint of the last row
 * exported; an incremental export reads that step again first, and a different row there means
 * the run was rewound (its history replaced from an earlier step), so it is rewritten.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { flattenRow } from '../export/flatten.ts'
import type { Row } from '../row.ts'

/** JSON.stringify replacer that keeps the numbers JSON cannot spell apart. */
function spellNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value
  if (Number.isNaN(value)) return '\u0000NaN'
  if (value === Infinity) return '\u0000Infinity'
  if (value === -Infinity) return '\u0000-Infinity'
  if (value === 0 && 1 / value < 0) return '\u0000-0'
  return value
}

/** The fingerprint of a row (hex sha256). */
export function rowFingerprint(row: Row): string {
  const flat = flattenRow(row)
  const keys = Object.keys(flat).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const entries = keys.map((k) => [k, flat[k]])
  return createHash('sha256').update(JSON.stringify(entries, spellNumbers)).digest('hex')
}
