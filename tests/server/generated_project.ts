/**
 * A whole project of generated runs from one seed: run sizes drawn from a stated distribution
 * (by default a bounded Pareto with a heavy tail up to 300,000 rows), every run dense (each
 * metric on each step) so its summary and `historyKeys` come from its last row in O(1). Rows
 * are computed when read and Parquet exports are streamed (`streamExport`), so thousands of
 * runs of realistic sizes cost a few KB each. {@linkcode warmGeneratedProject} precomputes what
 * stays lazy (history keys, optionally export layouts) before a benchmark starts.
 *
 * @module
 */
import { generateRun, hash01, runIdFor } from './generate_run.ts'
import { flattenRow, valueTypeName } from './history_table.ts'
import { jsonSafe } from './history_queries.ts'
import { ensureRunExport } from './run_export.ts'
import type { RunRecord } from './records.ts'
import type { ServerStore } from './store.ts'

/** How run sizes (history rows) are drawn. */
export type SizeDistribution =
  | { kind: 'fixed'; rows: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'pareto'; min: number; max: number; alpha: number }

/** The default: bounded Pareto, 500 to 300,000 rows, α 1.1 (median ≈ 940, mean ≈ 2,600 rows). */
export const DEFAULT_SIZES = 'pareto:500:300000:1.1'

/** Options for {@linkcode addGeneratedProject}. */
export interface GeneratedProjectOptions {
  /** Entity; @default 'test-entity' */
  entity?: string
  /** Project; @default 'generated' */
  project?: string
  /** Number of runs. */
  runs: number
  /** Seed for sizes, run IDs and values; @default 1 */
  seed?: number
  /** Run sizes, as a spec (`fixed:N`, `uniform:MIN:MAX`, `pareto:MIN:MAX:ALPHA`); @default DEFAULT_SIZES */
  sizes?: string | SizeDistribution
  /** Metrics per run (besides `_step`, `_runtime`, `_timestamp`); @default 20 */
  metrics?: number
}

/** What was added. */
export interface GeneratedProjectInfo {
  entity: string
  project: string
  /** Run IDs and row counts, in creation order. */
  runs: { id: string; rows: number }[]
  /** Sum of the rows. */
  totalRows: number
}

/** Parses a size distribution spec; RangeError quoting it when malformed. */
export function parseSizes(spec: string): SizeDistribution {
  const parts = spec.split(':')
  const nums = parts.slice(1).map(Number)
  const ok = nums.every((n) => Number.isFinite(n) && n >= 0)
  const ints = nums.slice(0, 2).every((n) => Number.isInteger(n))
  if (ok && ints && parts[0] === 'fixed' && nums.length === 1) {
    return { kind: 'fixed', rows: nums[0] }
  }
  if (ok && ints && parts[0] === 'uniform' && nums.length === 2 && nums[0] <= nums[1]) {
    return { kind: 'uniform', min: nums[0], max: nums[1] }
  }
  if (
    ok && ints && parts[0] === 'pareto' && nums.length === 3 && nums[0] >= 1 &&
    nums[0] <= nums[1] && nums[2] > 0
  ) {
    return { kind: 'pareto', min: nums[0], max: nums[1], alpha: nums[2] }
  }
  throw new RangeError(
    `Cannot read run sizes ${
      JSON.stringify(spec)
    }: use fixed:ROWS, uniform:MIN:MAX or pareto:MIN:MAX:ALPHA`,
  )
}

/** The row count of run `index` (inverse CDF at a seeded uniform draw). */
export function drawSize(sizes: SizeDistribution, seed: number, index: number): number {
  const u = hash01(seed, 0x5eed, index)
  if (sizes.kind === 'fixed') return sizes.rows
  if (sizes.kind === 'uniform') return sizes.min + Math.floor(u * (sizes.max - sizes.min + 1))
  const { min, max, alpha } = sizes
  const tail = (min / max) ** alpha
  return Math.min(max, Math.round(min / (1 - u * (1 - tail)) ** (1 / alpha)))
}

/** Adds a project of generated runs to the store and returns their IDs and sizes. */
export function addGeneratedProject(
  store: ServerStore,
  options: GeneratedProjectOptions,
): GeneratedProjectInfo {
  if (!Number.isInteger(options.runs) || options.runs < 0) {
    throw new RangeError(`Cannot generate ${options.runs} runs: use a non-negative integer`)
  }
  const entity = options.entity ?? 'test-entity'
  const project = options.project ?? 'generated'
  const seed = options.seed ?? 1
  const sizes = typeof options.sizes === 'object'
    ? options.sizes
    : parseSizes(options.sizes ?? DEFAULT_SIZES)
  const metrics = options.metrics ?? 20
  const used = new Set<string>()
  const info: GeneratedProjectInfo = { entity, project, runs: [], totalRows: 0 }
  for (let i = 0; i < options.runs; i++) {
    const rows = drawSize(sizes, seed, i)
    let id = runIdFor(seed, i)
    for (let salt = 1; used.has(id); salt++) id = runIdFor(seed + salt * 7919, i)
    used.add(id)
    const runSeed = seed * 100_003 + i
    const history = generateRun({ steps: rows, metrics, seed: runSeed, summary: {} }).history!
    const last = rows > 0 ? (history as RunRecord['history']).rowAt(rows - 1) : {}
    const runtime = typeof last._runtime === 'number' ? last._runtime : 0
    store.addRun(generateRun({
      entity,
      project,
      id,
      steps: rows,
      metrics,
      seed: runSeed,
      summary: { ...last, _wandb: { runtime: Math.round(runtime) } },
      startTime: 1_704_067_200 + i * 600,
      streamExport: true,
    }))
    info.runs.push({ id, rows })
    info.totalRows += rows
  }
  return info
}

/** Options for {@linkcode warmGeneratedProject}. */
export interface WarmOptions {
  /** Also lay out every run's Parquet export (encodes every row once); @default false */
  exports?: boolean
}

/** Precomputes each run's `historyKeys` (and optionally its export layout) before measuring. */
export function warmGeneratedProject(
  store: ServerStore,
  info: GeneratedProjectInfo,
  options: WarmOptions = {},
): void {
  for (const { id } of info.runs) {
    const run = store.run(info.entity, info.project, id)
    if (!run) continue
    run.historyKeysCache ??= denseHistoryKeys(run)
    if (options.exports) ensureRunExport(store, run)
  }
}

/** `historyKeys` of a run whose every row has the same keys and value types: from its last row. */
export function denseHistoryKeys(run: RunRecord): Record<string, unknown> {
  const table = run.history
  const keys: Record<string, unknown> = {}
  if (table.rowCount > 0) {
    for (const [key, value] of Object.entries(flattenRow(table.rowAt(table.rowCount - 1)))) {
      keys[key] = {
        typeCounts: [{ type: valueTypeName(value), count: table.rowCount }],
        previousValue: jsonSafe(value),
      }
    }
  }
  return { keys, lastStep: table.rowCount === 0 ? -1 : table.stepAt(table.rowCount - 1) }
}
