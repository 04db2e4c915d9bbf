/**
 * The metric definitions of the config's `_wandb.m`, replayed as each writer built them from
 * metric records (and, for the legacy writer, from history keys matching a glob definition).
 *
 * @module
 */
import type { HistoryRecord, MetricRecord } from './record_types.ts'
import { parseValueJson } from './history_record_row.ts'
import { emptyMetric } from './decode_messages.ts'

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

/**
 * wandb-core's `m`, replayed from the metric records as `runmetric` merges them (a record
 * without `_control.overwrite` adds to the earlier definition of its name): named definitions
 * then glob definitions, each step metric by one-based index (added as an empty definition when
 * it has none), the option flags step_sync and hidden plus `defined` for named ones, the summary
 * flags wandb-core keeps. Memory is bounded by the number of distinct names.
 */
export class CoreMetrics {
  readonly #named = new Map<string, CoreMetric>()
  readonly #globs = new Map<string, CoreMetric>()

  /** Takes one metric record of the log. */
  define(rec: MetricRecord): void {
    const map = rec.name ? this.#named : rec.globName ? this.#globs : undefined
    if (!map) return
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
    map.set(key, m)
  }

  /** The encoded definitions (wandb-core's `ToRunConfigData`, in definition order). */
  encoded(): Record<string, unknown>[] {
    const list: Record<string, unknown>[] = []
    const index = new Map<string, number>()
    const encode = (name: string, m: CoreMetric | undefined, glob: boolean) => {
      if (index.has(name)) return
      const at = list.length
      index.set(name, at)
      const encoded: Record<string, unknown> = glob ? { 2: name } : { 1: name }
      list.push(encoded)
      if (m?.step) {
        encode(m.step, this.#named.get(m.step), false)
        encoded[5] = index.get(m.step)! + 1
      }
      encoded[6] = m ? [...m.flags].sort((a, b) => a - b) : []
      const summary = m ? [...m.summary] : []
      if (m?.noSummary) summary.push(6)
      encoded[7] = summary.sort((a, b) => a - b)
      if (m && m.goal !== 'unset') encoded[8] = m.goal === 'minimize' ? 1 : 2
    }
    for (const [name, m] of this.#named) encode(name, m, false)
    for (const [name, m] of this.#globs) encode(name, m, true)
    return list
  }
}

/** Whether a value is a plain JSON object. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
