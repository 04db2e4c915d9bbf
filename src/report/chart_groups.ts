/**
 * Where a chart goes in the report: history keys by their prefix (`train/loss` under `train`),
 * system metrics by what they measure (CPU, memory, GPU, network, disk), with per-device keys
 * (`system.gpu.0.gpu`, `system.gpu.1.gpu`) sharing one chart.
 *
 * @module
 */

/** The section of a history key: the part before the first `/`, else before the first `.`. */
export function historySection(key: string): string {
  const slash = key.indexOf('/')
  if (slash > 0) return key.slice(0, slash)
  const dot = key.indexOf('.')
  if (dot > 0) return key.slice(0, dot)
  return 'Charts'
}

/** The chart a system key is drawn in: device indexes replaced by `*` (`system.gpu.*.gpu`). */
export function systemChartKey(key: string): string {
  return key.replace(/\.\d+(?=\.|$)/g, '.*')
}

const SYSTEM_SECTIONS: [RegExp, string][] = [
  [/^system\.(gpu|tpu|trainium|ipu)\b/i, 'System: GPU'],
  [/^system\.(cpu|proc\.cpu)\b/i, 'System: CPU'],
  [/^system\.(memory|proc\.memory|mem)/i, 'System: memory'],
  [/^system\.network\b/i, 'System: network'],
  [/^system\.disk\b/i, 'System: disk'],
]

/** The section of a system key (`System: GPU`, `System: CPU`, ..., else `System`). */
export function systemSection(key: string): string {
  for (const [pattern, name] of SYSTEM_SECTIONS) if (pattern.test(key)) return name
  return 'System'
}
