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
import type { EnvironmentRecord, TelemetryDict, Timestamp } from './record_types.ts'
import type { CoreMetrics, LegacyMetrics } from './config_metrics.ts'
import { versionAtLeast, versionInRange } from './sdk_version.ts'

/** What `_wandb` is built from. */
export interface InternalConfigFacts {
  /** The writer: wandb-core (a header producer) or the legacy Python writer. */
  writer: 'core' | 'legacy'
  /** wandb-core's version (the header producer without its `+commit`), or ''. */
  coreVersion: string
  /** Every telemetry record and run-record telemetry merged, in log order. */
  telemetry: TelemetryDict
  /** wandb-core's replayed definitions (see CoreMetrics). */
  coreMetrics: CoreMetrics
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
  out.m = facts.coreMetrics.encoded()
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

/** Whether a value is a plain JSON object. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
