/** Test helper: compares configs whose `_wandb.m` wandb-core wrote in Go map order. */
import type { Row } from '../../src/row.ts'

/**
 * A config with `_wandb.m` in a canonical order, step metrics named instead of indexed:
 * wandb-core lists named definitions in Go map order, which differs from process to process
 * (wild_runs_test's GO_MAP_ORDER leniency).
 */
export function metricOrderFree(config: Row): Row {
  // deno-lint-ignore no-explicit-any
  const internal = config._wandb as any
  if (!Array.isArray(internal?.m)) return config
  const m = internal.m as Row[]
  const named = m.map((entry) => {
    const { 5: index, ...rest } = entry
    return typeof index === 'number' ? { ...rest, step: m[index - 1]?.['1'] } : rest
  })
  named.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
  return { ...config, _wandb: { ...internal, m: named } }
}
