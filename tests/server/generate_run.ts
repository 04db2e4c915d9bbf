/**
 * Deterministic generated runs of any size: history and system rows are computed from the
 * seed and the row index on demand, so a run with millions of steps costs no memory until read.
 *
 * Values use only IEEE arithmetic (no transcendental functions), so every runtime computes the
 * same bits.
 *
 * @module
 */
import type { Row } from '../../src/row.ts'
import type { HistoryTable } from './history_table.ts'
import type { RunFileSeed, RunSeed } from './run_seed.ts'
import { jsonText } from './json_text.ts'

/** Options for {@linkcode generateRun}. */
export interface GenerateRunOptions extends Partial<Omit<RunSeed, 'history' | 'events'>> {
  /** Number of history rows (steps 0..steps-1); @default 100 */
  steps?: number
  /** Metric names, or how many to make (`loss`, `acc`, `lr`, then `metric_3`, ...); @default 3 */
  metrics?: number | string[]
  /** Seed for every value; @default 1 */
  seed?: number
  /** When > 1, metrics after the first are logged only on steps divisible by this; @default 1 */
  sparseEvery?: number
  /** When > 0, the first metric is NaN, Infinity or -Infinity in turn every Nth step; @default 0 */
  nonFiniteEvery?: number
  /** Also log a nested `eval: {score, count}` on the sparse metrics' steps; @default false */
  nested?: boolean
  /** Number of system-metric rows; @default ceil(steps / 10) */
  systemRows?: number
  /** Number of `output.log` lines; @default 5 */
  consoleLines?: number
  /** Run start, epoch seconds; @default 1704067200 (2024-01-01T00:00:00Z) */
  startTime?: number
}

const BASE_NAMES = ['loss', 'acc', 'lr']

/** Builds a run seed whose history, system metrics, summary, config and files are generated. */
export function generateRun(options: GenerateRunOptions = {}): RunSeed {
  const steps = options.steps ?? 100
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`Cannot generate a run with steps=${steps}: use a non-negative integer`)
  }
  const seed = options.seed ?? 1
  const names = typeof options.metrics === 'object'
    ? options.metrics
    : Array.from({ length: options.metrics ?? 3 }, (_, i) => BASE_NAMES[i] ?? `metric_${i}`)
  const startTime = options.startTime ?? 1_704_067_200
  const history = new GeneratedHistory(steps, names, seed, startTime, options)
  const system = new GeneratedSystem(options.systemRows ?? Math.ceil(steps / 10), seed, startTime)
  const id = options.id ?? runIdFor(seed, steps)
  const config = {
    learning_rate: 0.001,
    batch_size: 32,
    optimizer: 'adam',
    seed,
    ...options.config,
  }
  const summary = options.summary ?? summaryOf(history)
  const lines = Array.from(
    { length: options.consoleLines ?? 5 },
    (_, i) => `step ${Math.floor((i * steps) / Math.max(1, options.consoleLines ?? 5))}: training`,
  )
  const files: RunFileSeed[] = [
    {
      name: 'wandb-metadata.json',
      content: metadataJson(id, startTime, options.host ?? 'gen-host'),
    },
    { name: 'config.yaml', content: configYaml(config) },
    { name: 'wandb-summary.json', content: jsonText(summary) },
    { name: 'output.log', content: lines.map((l) => l + '\n').join('') },
    { name: 'requirements.txt', content: 'wandb==0.31.0\nnumpy==2.1.0\n' },
    ...(options.files ?? []),
  ]
  return {
    ...options,
    entity: options.entity ?? 'test-entity',
    project: options.project ?? 'test-project',
    id,
    config,
    summary,
    history,
    events: system,
    files,
    createdAt: options.createdAt ?? new Date(startTime * 1000).toISOString().slice(0, 19),
  }
}

/** A short run ID in W&B's alphabet (`[a-z0-9]`, 8 characters) derived from the seed. */
export function runIdFor(seed: number, salt: number): string {
  let text = ''
  for (let i = 0; text.length < 8; i++) text += Math.floor(hash01(seed, salt, i) * 36).toString(36)
  return text
}

/** A uniform value in [0, 1) from three integers (murmur3 finaliser over a combined key). */
export function hash01(a: number, b: number, c: number): number {
  let h = Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77) ^ Math.imul(c | 0, 0xc2b2ae3d)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}

/** History rows computed on demand from the seed and the step. */
class GeneratedHistory implements HistoryTable {
  readonly rowCount: number
  #names: string[]
  #seed: number
  #start: number
  #sparse: number
  #nonFinite: number
  #nested: boolean

  /** Describes a generated history; nothing is computed until a row is read. */
  constructor(steps: number, names: string[], seed: number, start: number, o: GenerateRunOptions) {
    this.rowCount = steps
    this.#names = names
    this.#seed = seed
    this.#start = start
    this.#sparse = Math.max(1, o.sparseEvery ?? 1)
    this.#nonFinite = o.nonFiniteEvery ?? 0
    this.#nested = o.nested ?? false
  }

  /** Steps are the row indices. */
  stepAt(index: number): number {
    return index
  }

  /** Computes the row logged at a step. */
  rowAt(step: number): Row {
    const row: Row = {
      _step: step,
      _runtime: step * 0.5,
      _timestamp: this.#start + step * 0.5 + 0.25,
    }
    const full = step % this.#sparse === 0
    this.#names.forEach((name, k) => {
      if (k > 0 && !full) return
      row[name] = this.#value(k, step)
    })
    if (this.#nested && full) {
      row.eval = { score: hash01(this.#seed, 1000, step), count: step * 2 }
    }
    return row
  }

  /** The value of metric `k` at a step. */
  #value(k: number, step: number): number {
    const noise = hash01(this.#seed, k, step)
    if (k === 0 && this.#nonFinite > 0 && step % this.#nonFinite === this.#nonFinite - 1) {
      const turn = Math.floor(step / this.#nonFinite) % 3
      return turn === 0 ? NaN : turn === 1 ? Infinity : -Infinity
    }
    if (k === 0) return 1 / (1 + step * 0.01) + noise * 0.01
    if (k === 1) return step / (step + 50) + noise * 0.001
    return noise
  }
}

/** System-metric rows computed on demand from the seed and the row index. */
class GeneratedSystem implements HistoryTable {
  readonly rowCount: number
  #seed: number
  #start: number

  /** Describes generated system rows, one every ten seconds. */
  constructor(rows: number, seed: number, start: number) {
    this.rowCount = rows
    this.#seed = seed
    this.#start = start
  }

  /** Steps are the row indices. */
  stepAt(index: number): number {
    return index
  }

  /** Computes one system-metrics row. */
  rowAt(index: number): Row {
    const t = index * 10 + 2
    return {
      'system.cpu': Math.round(hash01(this.#seed, 7, index) * 1000) / 10,
      'system.memory': 20 + Math.round(hash01(this.#seed, 8, index) * 100) / 10,
      'system.proc.memory.rssMB': 512 + index,
      _wandb: true,
      _runtime: t,
      _timestamp: this.#start + t,
    }
  }
}

/** The last value of each key (scanning back at most 1000 rows), plus `_wandb.runtime`. */
function summaryOf(history: HistoryTable): Record<string, unknown> {
  const summary: Record<string, unknown> = {}
  const want = new Set<string>()
  for (let i = history.rowCount - 1; i >= 0 && i >= history.rowCount - 1000; i--) {
    const row = history.rowAt(i)
    for (const [k, v] of Object.entries(row)) {
      if (!want.has(k)) {
        want.add(k)
        summary[k] = v
      }
    }
  }
  const runtime = (summary._runtime as number | undefined) ?? 0
  summary._wandb = { runtime: Math.round(runtime) }
  return summary
}

/** A `wandb-metadata.json` like the SDK writes. */
function metadataJson(id: string, startTime: number, host: string): string {
  return JSON.stringify(
    {
      os: 'Linux-6.1.0-x86_64-with-glibc2.36',
      python: 'CPython 3.11.9',
      startedAt: new Date(startTime * 1000).toISOString(),
      program: 'train.py',
      host,
      username: 'test-user',
      executable: '/usr/bin/python3',
      args: ['--run', id],
      cpu_count: 8,
    },
    null,
    2,
  )
}

/** A `config.yaml` in the SDK's `{desc, value}` layout. */
function configYaml(config: Record<string, unknown>): string {
  let text = 'wandb_version: 1\n\n'
  for (const [k, v] of Object.entries(config)) {
    text += `${k}:\n  desc: null\n  value: ${JSON.stringify(v)}\n`
  }
  return text
}
