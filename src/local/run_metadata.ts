/**
 * The one metadata pass over a run's `.wandb` file(s): run fields, exit, config, summary,
 * environment, producer, saved files, system-metric count and history statistics, decoding
 * only the record types it needs. History items are not JSON-parsed here (except `_step` and
 * `_timestamp`): the summary keeps raw items and the key tally classifies values by their
 * first character.
 *
 * @module
 */
import type { RecordType } from './decode_record.ts'
import type { DamageReport } from './damage_report.ts'
import { readRecords } from './read_records.ts'
import type {
  EnvironmentRecord,
  ExitRecord,
  FilePolicy,
  HistoryRecord,
  RunRecord,
  StatsRecord,
  TelemetryDict,
  TelemetryRecord,
  Timestamp,
  WandbRecord,
} from './record_types.ts'
import { internalConfig, mergeTelemetry } from './config_internal.ts'
import { CoreMetrics, LegacyMetrics } from './config_metrics.ts'
import { ConfigReplay } from './config_replay.ts'
import { SummaryReplay } from './summary_replay.ts'
import { HistoryKeyTally } from './history_keys.ts'
import { emptyStepTally, parseValueJson, recordStep, type StepTally } from './history_record_row.ts'
import { timestampSeconds } from './system_rows.ts'

/** Every record type the full metadata pass decodes. */
export const METADATA_TYPES: ReadonlySet<RecordType> = new Set<RecordType>([
  'header',
  'run',
  'exit',
  'config',
  'summary',
  'history',
  'stats',
  'environment',
  'telemetry',
  'files',
  'preempting',
  'final',
  'metric',
])

/**
 * The record types of `LocalRun.open(…, { metadata: 'minimal' })`: the full set without the
 * per-step ones (history, stats) and summary records, which dominate the pass on long runs.
 */
export const MINIMAL_TYPES: ReadonlySet<RecordType> = new Set<RecordType>(
  [...METADATA_TYPES].filter((t) => t !== 'history' && t !== 'stats' && t !== 'summary'),
)

/** The record types needed for a run listing (identity, start and state only). */
export const LISTING_TYPES: ReadonlySet<RecordType> = new Set<RecordType>([
  'run',
  'exit',
  'preempting',
  'header',
])

/** Run fields merged over all run records (later non-empty fields win, as wandb-core does). */
export interface RunFields {
  id: string
  entity: string
  project: string
  displayName: string
  notes: string
  tags: string[]
  group: string
  jobType: string
  sweepId: string
  host: string
  git?: { remoteUrl: string; commit: string }
  resumed: boolean
  startingStep?: number
}

/** What one file's pass found that belongs to that file alone. */
export interface SegmentFacts {
  startTime?: Timestamp
  /** Seconds already run before this file's process started (resumed runs). */
  priorRuntime: number
  exit?: ExitRecord
  preempting: boolean
  /** Whether the legacy writer's clean-end `final` marker was seen. */
  final: boolean
}

/** Accumulates metadata over the files of one run, in order. */
export class MetadataCollector {
  fields: RunFields | undefined
  readonly segments: SegmentFacts[] = []
  readonly config: ConfigReplay
  readonly summary: SummaryReplay = new SummaryReplay()
  readonly keys: HistoryKeyTally = new HistoryKeyTally()
  readonly steps: StepTally = emptyStepTally()
  readonly files: Map<string, FilePolicy> = new Map()
  environment: EnvironmentRecord | undefined
  producer = ''
  cliVersion = ''
  pythonVersion = ''
  historyRows = 0
  systemRows = 0
  lastStats: { stats: StatsRecord; segment: number } | undefined
  /** Every telemetry record (and run-record telemetry) merged, for the config's `_wandb.t`. */
  readonly telemetry: TelemetryDict = {}
  /** wandb-core's `_wandb.m`, replayed from metric records. */
  readonly coreMetrics: CoreMetrics = new CoreMetrics()
  /** The legacy writer's `_wandb.m`, replayed from metric records and history keys. */
  readonly legacyMetrics: LegacyMetrics = new LegacyMetrics()
  /** `pre-0.10` for a run folder without a transaction log, else ''. */
  layout = ''
  /** Start time of the last run record (the legacy writer's `_wandb.start_time`). */
  lastRunStart: Timestamp | undefined
  /** Latest time any record showed activity (history `_timestamp`, stats), Unix seconds. */
  lastActivity: number | undefined

  /** Creates a collector; config dicts merge (wandb-core) once a core header is seen. */
  constructor() {
    this.config = new ConfigReplay()
  }

  /** Starts a new file. */
  beginSegment(): void {
    this.segments.push({ priorRuntime: 0, preempting: false, final: false })
  }

  /** Takes one batch of records of the current file. */
  take(records: WandbRecord[]): void {
    const seg = this.segments[this.segments.length - 1]
    for (const rec of records) {
      switch (rec.type) {
        case 'header':
          if (rec.header.layout) this.layout = rec.header.layout
          if (!this.producer && rec.header.producer) {
            this.producer = rec.header.producer
            this.config.mergeDicts = true
          }
          break
        case 'run':
          this.#run(rec.run, seg)
          break
        case 'exit':
          seg.exit = rec.exit
          break
        case 'config':
          this.config.apply(rec.config)
          break
        case 'summary':
          this.summary.applySummary(rec.summary)
          break
        case 'history':
          this.#history(rec.history)
          break
        case 'stats':
          this.systemRows++
          this.lastStats = { stats: rec.stats, segment: this.segments.length - 1 }
          if (rec.stats.timestamp) this.#activity(timestampSeconds(rec.stats.timestamp))
          break
        case 'environment':
          // wandb-core writes the environment in parts (program/host, then CPU/disk/memory).
          this.environment = { ...this.environment, ...rec.environment }
          break
        case 'telemetry':
          this.#telemetry(rec.telemetry)
          break
        case 'metric':
          if (this.producer) this.coreMetrics.define(rec.metric)
          else this.legacyMetrics.define(rec.metric)
          break
        case 'files':
          for (const f of rec.files.files) this.files.set(f.path, f.policy)
          break
        case 'preempting':
          seg.preempting = true
          break
        case 'final':
          seg.final = true
          break
      }
    }
  }

  /** Keeps the latest non-empty SDK and Python versions and merges the telemetry encoding. */
  #telemetry(t: TelemetryRecord): void {
    if (t.cliVersion) this.cliVersion = t.cliVersion
    if (t.pythonVersion) this.pythonVersion = t.pythonVersion
    if (t.dict) mergeTelemetry(this.telemetry, t.dict)
  }

  /** The config with `_wandb` rebuilt as the writer of this log composes it (see config_internal.ts). */
  rawconfig(): Record<string, unknown> {
    const raw = this.config.rawconfig()
    if (this.layout) return raw // pre-0.10: `_wandb` as config.yaml holds it
    const rest = { ...raw }
    delete rest['_wandb']
    const internal = internalConfig({
      writer: this.producer ? 'core' : 'legacy',
      coreVersion: this.producer.split('+')[0],
      telemetry: this.telemetry,
      coreMetrics: this.coreMetrics,
      legacyMetrics: this.legacyMetrics,
      lastRunStart: this.lastRunStart,
      environment: this.environment,
    }, raw['_wandb'])
    return { _wandb: internal, ...rest }
  }

  /** Moves the latest-activity time forward. */
  #activity(seconds: number): void {
    if (
      Number.isFinite(seconds) && (this.lastActivity === undefined || seconds > this.lastActivity)
    ) {
      this.lastActivity = seconds
    }
  }

  /** Merges a run record: start time, telemetry, config, summary and non-empty fields. */
  #run(run: RunRecord, seg: SegmentFacts): void {
    this.lastRunStart = run.startTime
    if (run.startTime && !seg.startTime) {
      seg.startTime = run.startTime
      seg.priorRuntime = run.runtime ?? 0
    }
    if (run.telemetry) this.#telemetry(run.telemetry)
    if (run.config) this.config.apply(run.config)
    if (run.summary) this.summary.applySummary(run.summary)
    const f = (this.fields ??= {
      id: '',
      entity: '',
      project: '',
      displayName: '',
      notes: '',
      tags: [],
      group: '',
      jobType: '',
      sweepId: '',
      host: '',
      resumed: false,
    })
    if (run.runId) f.id = run.runId
    if (run.entity) f.entity = run.entity
    if (run.project) f.project = run.project
    if (run.displayName) f.displayName = run.displayName
    if (run.notes) f.notes = run.notes
    if (run.tags.length > 0) f.tags = run.tags
    if (run.runGroup) f.group = run.runGroup
    if (run.jobType) f.jobType = run.jobType
    if (run.sweepId) f.sweepId = run.sweepId
    if (run.host) f.host = run.host
    if (run.git && (run.git.commit || run.git.remoteUrl)) f.git = run.git
    if (run.resumed || run.resume) f.resumed = true
    if (run.startingStep !== undefined && f.startingStep === undefined) {
      f.startingStep = run.startingStep
    }
  }

  /** Takes a history row into the step tally, key tally, summary and activity time. */
  #history(history: HistoryRecord): void {
    const { step, stepSource } = recordStep(history, this.historyRows)
    this.historyRows++
    this.steps[stepSource]++
    this.keys.add(history)
    if (stepSource === 'synthetic') this.keys.count('_step', 'number')
    this.keys.step(step)
    this.summary.addHistory(history)
    if (!this.producer) this.legacyMetrics.history(history)
    for (const item of history.items) {
      if (item.path.length === 1 && item.path[0] === '_timestamp') {
        const ts = parseValueJson(item.valueJson)
        if (typeof ts === 'number') this.#activity(ts)
        break
      }
    }
  }

  /** Notes the end of the run's records: exit runtime counts as activity. */
  finish(): void {
    for (const seg of this.segments) {
      if (seg.exit && seg.startTime) {
        this.#activity(timestampSeconds(seg.startTime) + seg.exit.runtime - seg.priorRuntime)
      }
    }
  }
}

/** Options of the metadata pass. */
export interface CollectOptions {
  /** The record types to decode. @default METADATA_TYPES */
  types?: ReadonlySet<RecordType>
  signal?: AbortSignal
  /** @default false */
  strict?: boolean
}

/** Reads each file in order into one collector, filling one damage report per file. */
export async function collectMetadata(
  files: readonly string[],
  reports: readonly DamageReport[],
  collector: MetadataCollector,
  options: CollectOptions = {},
): Promise<MetadataCollector> {
  for (let i = 0; i < files.length; i++) {
    collector.beginSegment()
    const stream = readRecords(files[i], {
      types: options.types ?? METADATA_TYPES,
      report: reports[i],
      signal: options.signal,
      strict: options.strict,
    })
    for await (const batch of stream) collector.take(batch)
  }
  collector.finish()
  return collector
}
