/**
 * Rebuilds the config's `_wandb` entry, which the SDK never writes as a config record but
 * composes from other records when it saves `config.yaml` and uploads the config:
 *
 * - the legacy Python writer (SDK 0.10–0.19, `sender_config.py`): `python_version`,
 *   `cli_version`, `framework` (from the telemetry imports, by the SDK's priority list),
 *   `huggingface_version`, `is_jupyter_run`, `is_kaggle_kernel`, `start_time` (SDK 0.11+: whole
 *   seconds of the last run record's start, fractional seconds in 0.13 to 0.16.5), `t` (the merged
 *   telemetry by field number), `m` (the metric definitions, a step metric named by its one-based
 *   index once it was defined earlier), `e` (the environment, when it names its writer);
 * - wandb-core (`runconfig.AddInternalData`): `cli_version`, `python_version`, `t` (with the core
 *   version as field 12), `m` (every definition, step metrics always by index, options and
 *   summary flags always present), `e` (the environment records by writer id).
 *
 * Keys a config record set under `_wandb` (such as `code_path`) are kept.
 *
 * @module
 */
import type {
  EnvironmentRecord,
  HistoryRecord,
  MetricRecord,
  TelemetryDict,
  Timestamp,
} from './record_types.ts'
import { parseValueJson } from './history_row.ts'
import { versionAtLeast, versionInRange } from './sdk_version.ts'

/** What `_wandb` is built from. */
export interface InternalConfigFacts {
  /** The writer: wandb-core (a header producer) or the legacy Python writer. */
  writer: 'core' | 'legacy'
  /** wandb-core's version (the header producer without its `+commit`), or ''. */
  coreVersion: string
  /** Every telemetry record and run-record telemetry merged, in log order. */
  telemetry: TelemetryDict
  /** The metric records, in log order (wandb-core). */
  metrics: MetricRecord[]
  /** The legacy writer's replayed definitions (see LegacyMetrics). */
  legacyMetrics: LegacyMetrics
  /** Start time of the last run record (the legacy writer takes each run record's). */
  lastRunStart: Timestamp | undefined
  /** The environment records merged, or undefined. */
  environment: EnvironmentRecord | undefined
}

/** Merges one telemetry record into a running merge, as protobuf's MergeFrom does. */
export function mergeTelemetry(into: TelemetryDict, from: TelemetryDict): void {
  for (const [key, value] of Object.entries(from)) {
    const prev = into[key]
    if (Array.isArray(value)) {
      into[key] = Array.isArray(prev)
        ? [...new Set([...prev, ...value])].sort((a, b) => a - b)
        : [...value]
    } else if (typeof value === 'object') {
      into[key] = typeof prev === 'object' && !Array.isArray(prev) ? { ...prev, ...value } : {
        ...value,
      }
    } else if (value !== '') into[key] = value
  }
}

/** The SDK's framework priority: telemetry import field number → framework name. */
const FRAMEWORKS: [number, string][] = [
  [8, 'lightgbm'],
  [7, 'catboost'],
  [6, 'xgboost'],
  [11, 'huggingface'],
  [10, 'ignite'],
  [9, 'lightning'],
  [4, 'fastai'],
  [1, 'torch'],
  [2, 'keras'],
  [3, 'tensorflow'],
  [5, 'sklearn'],
]

/** Builds the `_wandb` object over the one a config record may have started. */
export function internalConfig(facts: InternalConfigFacts, base: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = isObject(base) ? { ...base } : {}
  return facts.writer === 'core' ? coreInternal(facts, out) : legacyInternal(facts, out)
}

/** wandb-core's `_wandb`. */
function coreInternal(facts: InternalConfigFacts, out: Record<string, unknown>) {
  const t: TelemetryDict = { ...facts.telemetry }
  if (facts.coreVersion) t[12] = facts.coreVersion
  if (typeof t[5] === 'string') out.cli_version = t[5]
  if (typeof t[4] === 'string') out.python_version = t[4]
  out.t = t
  out.m = coreMetrics(facts.metrics)
  const env = facts.environment
  if (env && Object.keys(env).length > 0) {
    out.e = { [String((env as Record<string, unknown>).writerId ?? '')]: env }
  }
  return out
}

/** The legacy Python writer's `_wandb`. */
function legacyInternal(facts: InternalConfigFacts, out: Record<string, unknown>) {
  const t = facts.telemetry
  const cli = typeof t[5] === 'string' ? t[5] : ''
  if (typeof t[4] === 'string') out.python_version = t[4]
  if (cli) out.cli_version = cli
  const imports = Array.isArray(t[2]) ? t[2] : Array.isArray(t[1]) ? t[1] : []
  const framework = FRAMEWORKS.find(([field]) => imports.includes(field))?.[1]
  if (framework) out.framework = framework
  if (typeof t[6] === 'string') out.huggingface_version = t[6]
  const env = Array.isArray(t[8]) ? t[8] : []
  out.is_jupyter_run = env.includes(1)
  out.is_kaggle_kernel = env.includes(2)
  if (versionAtLeast(cli, '0.11.0')) {
    const start = facts.lastRunStart
    const micros = start ? start.seconds * 1e6 + Math.floor(start.nanos / 1000) : 0
    out.start_time = versionInRange(cli, '0.13.0', '0.16.6')
      ? micros / 1e6
      : Math.floor(micros / 1e6)
  }
  out.t = { ...t }
  const m = facts.legacyMetrics.encoded()
  if (m.length > 0) out.m = m
  const writerId = (facts.environment as Record<string, unknown> | undefined)?.writerId
  if (typeof writerId === 'string' && writerId) out.e = { [writerId]: facts.environment }
  return out
}

/**
 * The legacy writer's `m`, replayed as its handler and sender built it: the handler merges each
 * definition, first defines an undefined step metric (empty), and turns every history key that
 * matches a `prefix*` glob into a definition of its own (none of these are stored in the log);
 * the sender merges again and encodes each definition in first-definition order, naming its
 * step metric by one-based index when that was defined earlier.
 */
export class LegacyMetrics {
  readonly #defines = new Map<string, MetricRecord>()
  readonly #globs = new Map<string, MetricRecord>()
  readonly #sent = new Map<string, MetricRecord>()
  readonly #index = new Map<string, number>()
  readonly #list: Record<string, unknown>[] = []

  /** Takes one metric record of the log. */
  define(rec: MetricRecord): void {
    if (rec.name) this.#handleDefined(rec)
    else if (rec.globName) {
      const prev = this.#globs.get(rec.globName)
      this.#globs.set(rec.globName, prev && !rec.overwrite ? mergeMetric(prev, rec) : { ...rec })
    }
  }

  /** Takes one history row: keys matching a glob become definitions (only once any definition exists). */
  history(record: HistoryRecord): void {
    if (this.#defines.size === 0 && this.#globs.size === 0) return
    for (const item of record.items) {
      const base = item.path.map((k) => k.replaceAll('.', '\\.')).join('.')
      const value = item.valueJson.startsWith('{') ? parseValueJson(item.valueJson) : undefined
      this.#leaves(base, value)
    }
  }

  /** The encoded definitions. */
  encoded(): Record<string, unknown>[] {
    return this.#list
  }

  /** Walks a history value's leaves, defining each unknown key that a glob matches. */
  #leaves(key: string, value: unknown): void {
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        this.#leaves(`${key}.${k.replaceAll('.', '\\.')}`, v)
      }
      return
    }
    if (this.#defines.has(key) || key.startsWith('_')) return
    for (const [glob, m] of this.#globs) {
      if (!glob.endsWith('*') || !key.startsWith(glob.slice(0, -1))) continue
      const options = (m.optionFields ?? []).filter((f) => f !== 3)
      this.#handleDefined({ ...m, name: key, globName: '', optionFields: options })
      return
    }
  }

  /** The handler's `_handle_defined_metric`: merge, define the step metric first, send. */
  #handleDefined(rec: MetricRecord): void {
    const prev = this.#defines.get(rec.name)
    const merged = prev && !rec.overwrite ? mergeMetric(prev, rec) : { ...rec }
    this.#defines.set(rec.name, merged)
    if (merged.stepMetric && !this.#defines.has(merged.stepMetric)) {
      const step = emptyMetric(merged.stepMetric)
      this.#defines.set(step.name, step)
      this.#send(step)
    }
    this.#send(rec)
  }

  /** The sender's `send_metric`: merge, index the step metric, encode in place or append. */
  #send(rec: MetricRecord): void {
    const prev = this.#sent.get(rec.name)
    const m = prev && !rec.overwrite ? mergeMetric(prev, rec) : { ...rec }
    this.#sent.set(rec.name, m)
    const encoded: Record<string, unknown> = { 1: m.name }
    const stepIndex = m.stepMetric ? this.#index.get(m.stepMetric) : undefined
    if (m.stepMetric && stepIndex === undefined) encoded[4] = m.stepMetric
    if (stepIndex !== undefined) encoded[5] = stepIndex + 1
    else if (m.stepMetricIndex) encoded[5] = m.stepMetricIndex
    if (m.optionFields?.length) encoded[6] = m.optionFields
    if (m.summaryFields?.length) encoded[7] = m.summaryFields
    if (m.goal !== 'unset') encoded[8] = m.goal === 'minimize' ? 1 : 2
    const at = this.#index.get(m.name)
    if (at !== undefined) this.#list[at] = encoded
    else {
      this.#index.set(m.name, this.#list.length)
      this.#list.push(encoded)
    }
  }
}

/** A definition with only a name (what the handler sends for an undefined step metric). */
function emptyMetric(name: string): MetricRecord {
  return {
    name,
    globName: '',
    stepMetric: '',
    hidden: false,
    summary: [],
    goal: 'unset',
    stepMetricIndex: 0,
    overwrite: false,
    expandedFromGlob: false,
  }
}

/** Protobuf MergeFrom of two metric definitions (set fields of the later one win; flags add up). */
function mergeMetric(a: MetricRecord, b: MetricRecord): MetricRecord {
  const flags = (x?: number[], y?: number[]) =>
    x || y ? [...new Set([...(x ?? []), ...(y ?? [])])].sort((p, q) => p - q) : undefined
  return {
    ...a,
    stepMetric: b.stepMetric || a.stepMetric,
    stepMetricIndex: b.stepMetricIndex || a.stepMetricIndex,
    optionFields: flags(a.optionFields, b.optionFields),
    summaryFields: flags(a.summaryFields, b.summaryFields),
    goal: b.goal !== 'unset' ? b.goal : a.goal,
  }
}

/** wandb-core's per-name definition state (`runmetric.definedMetric`). */
interface CoreMetric {
  step: string
  flags: Set<number>
  summary: Set<number>
  noSummary: boolean
  goal: MetricRecord['goal']
}

/** wandb-core's `m`: named definitions then glob definitions, each step metric indexed (added empty when undefined). */
function coreMetrics(records: MetricRecord[]): Record<string, unknown>[] {
  const named = new Map<string, CoreMetric>()
  const globs = new Map<string, CoreMetric>()
  for (const rec of records) {
    const map = rec.name ? named : rec.globName ? globs : undefined
    if (!map) continue
    const key = rec.name || rec.globName
    const prev = rec.overwrite ? undefined : map.get(key)
    const m: CoreMetric = prev ?? {
      step: '',
      flags: new Set(),
      summary: new Set(),
      noSummary: false,
      goal: 'unset',
    }
    // wandb-core keeps step_sync and hidden; `defined` means "has a name" (runmetric.With).
    for (const f of rec.optionFields ?? []) if (f === 1 || f === 2) m.flags.add(f)
    if (rec.name) m.flags.add(3)
    if (rec.stepMetric) m.step = rec.stepMetric
    if (rec.summaryFields) {
      m.noSummary = rec.summaryFields.includes(6)
      for (const f of rec.summaryFields) if ([1, 2, 3, 5, 8].includes(f)) m.summary.add(f)
    }
    if (rec.goal !== 'unset') m.goal = rec.goal
    if (rec.overwrite) map.delete(key)
    map.set(key, m)
  }
  const list: (Record<string, unknown> | undefined)[] = []
  const index = new Map<string, number>()
  const encode = (name: string, m: CoreMetric | undefined, glob: boolean) => {
    if (index.has(name)) return
    const at = list.length
    index.set(name, at)
    list.push(undefined)
    const encoded: Record<string, unknown> = glob ? { 2: name } : { 1: name }
    if (m?.step) {
      encode(m.step, named.get(m.step), false)
      encoded[5] = index.get(m.step)! + 1
    }
    encoded[6] = m ? [...m.flags].filter((f) => f <= 3).sort((a, b) => a - b) : []
    const summary = m ? [...m.summary] : []
    if (m?.noSummary) summary.push(6)
    encoded[7] = summary.sort((a, b) => a - b)
    if (m && m.goal !== 'unset') encoded[8] = m.goal === 'minimize' ? 1 : 2
    list[at] = encoded
  }
  for (const [name, m] of named) encode(name, m, false)
  for (const [name, m] of globs) encode(name, m, true)
  return list as Record<string, unknown>[]
}

/** Whether a value is a plain JSON object. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
