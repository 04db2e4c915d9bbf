/** The config keys whose values differ across runs, for the report's config comparison. */
import type { Row } from '../row.ts'
import { flattenRow } from '../export/flatten.ts'
import { stringifyJson } from '../json/stringify_json.ts'

/** Flattened config keys (dotted) whose values are not the same in every run, sorted. */
export function configDiff(configs: Row[]): string[] {
  if (configs.length < 2) return []
  const flat = configs.map((c) => flattenRow(c))
  const keys = new Set<string>()
  for (const c of flat) for (const k of Object.keys(c)) keys.add(k)
  const differing: string[] = []
  for (const key of keys) {
    const first = valueText(flat[0], key)
    if (flat.some((c) => valueText(c, key) !== first)) differing.push(key)
  }
  return differing.sort()
}

function valueText(row: Row, key: string): string | undefined {
  return Object.hasOwn(row, key) ? stringifyJson(row[key]) : undefined
}
