/**
 * The attributes of a `LocalRun`, derived once from a finished metadata pass (the eager pass of
 * `metadata: 'full'`/`'minimal'` at open, or the deferred pass of a lazy open), with the run state
 * each path derives.
 *
 * @module
 */
import type { Row } from '../row.ts'
import { type DamageReport, isDamaged } from './damage_report.ts'
import type { FilePolicy } from './record_types.ts'
import { readMetadataFile, type RunSegment } from './run_segments.ts'
import type { LocalRunOptions } from './local_run_options.ts'
import { collectMetadata, MetadataCollector, MINIMAL_TYPES } from './run_metadata.ts'
import {
  DEFAULT_RUNNING_WITHIN_SECONDS,
  deriveState,
  isoSeconds,
  needsRecordTime,
  type RunState,
  type StateFacts,
} from './run_state.ts'
import { logState } from './log_activity.ts'
import type { DeferredPass } from './deferred_pass.ts'
import type { HistoryKeys } from './history_keys.ts'
import { versionAtLeast } from './sdk_version.ts'
import type { StepTally } from './history_record_row.ts'
import { systemRow, timestampSeconds } from './system_rows.ts'
import type { SegmentClock } from './history_scan.ts'

/**
 * Runs the metadata pass while opening (`metadata: 'full'` or `'minimal'`, a strict open, or a
 * pre-0.10 layout) and derives every attribute from it.
 */
export async function openEagerly(
  segments: RunSegment[],
  options: LocalRunOptions,
): Promise<OpenedRun> {
  const c = await collectMetadata(
    segments.map((s) => s.wandbFile),
    segments.map((s) => s.damage),
    new MetadataCollector(),
    {
      signal: options.signal,
      strict: options.strict,
      types: options.metadata === 'minimal' ? MINIMAL_TYPES : undefined,
    },
  )
  const metadata = c.environment ?? await readMetadataFile(segments)
  const state = await runState(c, segments, options)
  return openedRun(c, segments, metadata, options, state)
}

/**
 * Derives every attribute from a finished deferred pass, adding its damage reports to the
 * segments'; `metadataFile` is the `wandb-metadata.json` read at open, used without environment records.
 */
export function openDeferred(
  pass: DeferredPass,
  segments: RunSegment[],
  metadataFile: Record<string, unknown> | null,
  options: LocalRunOptions,
): OpenedRun {
  pass.reports.forEach((report, i) => Object.assign(segments[i].damage, report))
  const c = pass.collector
  const state = deferredState(pass, segments, options)
  return openedRun(c, segments, c.environment ?? metadataFile, options, state)
}

/** The state facts of the last file, before its record times are known. */
export function stateFacts(c: MetadataCollector, segments: RunSegment[]): StateFacts {
  const last = c.segments[c.segments.length - 1]
  return {
    exitCode: last?.exit?.exitCode,
    preempting: last?.preempting ?? false,
    modifiedMs: Date.parse(segments[segments.length - 1].modifiedAt),
  }
}

/** Derives the run state from the last file's exit record, its age and, when that is recent, its newest record time. */
export async function runState(
  c: MetadataCollector,
  segments: RunSegment[],
  options: LocalRunOptions,
): Promise<RunState> {
  // The full pass already saw every history `_timestamp`; the extra pass then skips history.
  const full = (options.metadata ?? 'full') === 'full'
  return await logState(segments[segments.length - 1].wandbFile, stateFacts(c, segments), {
    runningWithinSeconds: options.runningWithinSeconds ?? DEFAULT_RUNNING_WITHIN_SECONDS,
    signal: options.signal,
    knownActivity: full ? { seconds: c.lastActivity } : undefined,
  })
}

/**
 * The state after a deferred pass, which saw the last file's run starts and (when it was
 * written recently) console times besides every history `_timestamp` and stats sample.
 */
export function deferredState(
  pass: DeferredPass,
  segments: RunSegment[],
  options: LocalRunOptions,
): RunState {
  const within = options.runningWithinSeconds ?? DEFAULT_RUNNING_WITHIN_SECONDS
  const now = Date.now()
  const c = pass.collector
  const facts = stateFacts(c, segments)
  if (needsRecordTime(facts, within, now)) {
    const read = pass.lastFileActivity
    const known = c.lastActivity
    const seconds = read === undefined ? known : known === undefined ? read : Math.max(read, known)
    if (seconds !== undefined) facts.lastRecordMs = seconds * 1000
  }
  return deriveState(facts, within, now)
}

/** The `LocalRun` attributes read straight from {@linkcode OpenedRun}. */
export const RUN_ATTRIBUTES = [
  'id',
  'name',
  'displayName',
  'entity',
  'project',
  'path',
  'tags',
  'notes',
  'group',
  'jobType',
  'host',
  'sweepId',
  'commit',
  'git',
  'state',
  'exitCode',
  'createdAt',
  'config',
  'rawconfig',
  'metadata',
  'damage',
  'damaged',
  'producer',
  'cliVersion',
  'pythonVersion',
  'resumed',
  'startingStep',
] as const satisfies readonly (keyof OpenedRun)[]

/** The `LocalRun` attributes read from {@linkcode FullPassFacts} (they throw after a minimal pass). */
export const FULL_PASS_ATTRIBUTES = [
  'heartbeatAt',
  'runtime',
  'summary',
  'summaryMetrics',
  'systemMetrics',
  'historyKeys',
  'historyDoubles',
  'lastHistoryStep',
  'historyLineCount',
  'systemLineCount',
  'historySteps',
] as const satisfies readonly (keyof FullPassFacts)[]

/** Every attribute of a run, from one metadata pass (open's, or a deferred one). */
export interface OpenedRun {
  id: string
  name: string
  displayName: string | null
  entity: string
  project: string
  path: string[]
  tags: string[]
  notes: string | null
  group: string | null
  jobType: string | null
  host: string | null
  sweepId: string | null
  commit: string | null
  git: { remoteUrl: string; commit: string } | null
  state: RunState
  exitCode: number | null
  createdAt: string | null
  config: Row
  rawconfig: Row
  metadata: Record<string, unknown> | null
  damage: DamageReport[]
  damaged: boolean
  producer: string | null
  cliVersion: string | null
  pythonVersion: string | null
  resumed: boolean
  startingStep: number | null
  files: Map<string, FilePolicy>
  clocks: SegmentClock[]
  /** The history-, stats- and summary-based attributes; undefined after a minimal pass. */
  full: FullPassFacts | undefined
}

/** Derives every attribute from a finished metadata pass, setting each file's start time. */
export function openedRun(
  c: MetadataCollector,
  segments: RunSegment[],
  metadata: Record<string, unknown> | null,
  options: LocalRunOptions,
  state: RunState,
): OpenedRun {
  c.segments.forEach((s, i) => {
    if (s.startTime) {
      segments[i].startedAt = new Date(timestampSeconds(s.startTime) * 1000).toISOString()
    }
  })
  const f = c.fields
  const last = c.segments[c.segments.length - 1]
  const first = c.segments.find((s) => s.startTime)
  const start = first?.startTime ? timestampSeconds(first.startTime) : undefined
  const id = f?.id || segments[0].id
  const displayName = f?.displayName || null
  const entity = f?.entity ?? ''
  const project = f?.project ?? ''
  const damage = segments.map((s) => s.damage)
  return {
    id,
    displayName,
    name: displayName ?? id,
    entity,
    project,
    path: [entity, project, id],
    tags: f?.tags ?? [],
    notes: f?.notes || null,
    group: f?.group || null,
    jobType: f?.jobType || null,
    host: f?.host || null,
    sweepId: f?.sweepId || null,
    git: f?.git ?? null,
    commit: f?.git?.commit || null,
    exitCode: last?.exit ? last.exit.exitCode : null,
    state,
    createdAt: start !== undefined ? isoSeconds(start) : null,
    config: c.config.config(),
    rawconfig: c.rawconfig(),
    clocks: c.segments.map((s) => ({ startTime: s.startTime, priorRuntime: s.priorRuntime })),
    metadata,
    full: options.metadata === 'minimal' ? undefined : fullPassFacts(c, start, options),
    damage,
    damaged: damage.some(isDamaged),
    producer: c.producer || c.cliVersion || null,
    cliVersion: c.cliVersion || null,
    pythonVersion: c.pythonVersion || null,
    resumed: f?.resumed ?? false,
    startingStep: f?.startingStep ?? null,
    files: c.files,
  }
}

/** The attributes only the full metadata pass can give. */
export interface FullPassFacts {
  /** The latest activity, else the run start, else null. */
  heartbeatAt: string | null
  runtime: number
  summary: Row
  /** The same object as `summary`. */
  summaryMetrics: Row
  systemMetrics: Row
  historyKeys: HistoryKeys
  historyDoubles: ReadonlySet<string>
  lastHistoryStep: number
  historyLineCount: number
  systemLineCount: number
  historySteps: StepTally
}

/** Derives the history-, stats- and summary-based attributes from a full pass. */
function fullPassFacts(
  c: MetadataCollector,
  start: number | undefined,
  options: LocalRunOptions,
): FullPassFacts {
  const last = c.segments[c.segments.length - 1]
  const lastStart = last?.startTime ? timestampSeconds(last.startTime) - last.priorRuntime : start
  const heartbeat = c.lastActivity ?? start
  const summary = withExitRuntime(
    c.summary.result({ fromHistory: options.summaryFromHistory ?? true }),
    c,
  )
  const historyKeys = c.keys.result()
  return {
    heartbeatAt: heartbeat !== undefined ? isoSeconds(heartbeat) : null,
    runtime: last?.exit
      ? last.exit.runtime
      : c.lastActivity !== undefined && lastStart !== undefined
      ? Math.max(0, c.lastActivity - lastStart)
      : 0,
    summary,
    summaryMetrics: summary,
    systemMetrics: c.lastStats ? systemMetricsOf(systemRow(c.lastStats.stats)) : {},
    historyKeys,
    historyDoubles: c.keys.doubles(),
    lastHistoryStep: historyKeys.lastStep,
    historyLineCount: c.historyRows,
    systemLineCount: c.systemRows,
    historySteps: c.steps,
  }
}

/**
 * Adds `_wandb: {runtime}` from the last exit record as the legacy Python writer of SDK 0.11 and
 * later does when it handles the exit record (replacing any `_wandb` a summary record set);
 * wandb-core writes that key as a summary record itself, and SDK 0.10 does not write it.
 */
function withExitRuntime(summary: Row, c: MetadataCollector): Row {
  const exit = c.segments[c.segments.length - 1]?.exit
  if (!exit || c.producer || !versionAtLeast(c.cliVersion, '0.11.0')) return summary
  summary['_wandb'] = { runtime: exit.runtime }
  return summary
}

/** Keeps a system row's `system.*` keys, dropping `_wandb`, `_timestamp` and `_runtime`. */
function systemMetricsOf(row: Row): Row {
  const out: Row = {}
  for (const key of Object.keys(row)) if (!key.startsWith('_')) out[key] = row[key]
  return out
}
