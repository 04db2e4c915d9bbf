/**
 * Decodes `RunRecord` (run creation and metadata updates) and `TelemetryRecord` bodies.
 *
 * @module
 */
import { enter, readUpdateRecord } from './decode_items.ts'
import {
  double,
  fieldTable,
  flag,
  int32,
  int64,
  message,
  readFields,
  text,
  texts,
  timestamp,
} from './decode_fields.ts'
import { flagFields } from './decode_messages.ts'
import type { ProtoReader } from './protobuf_reader.ts'
import type { RunRecord, TelemetryRecord } from './record_types.ts'

type GitRepo = NonNullable<RunRecord['git']>
type BranchPoint = NonNullable<RunRecord['branchPoint']>

/** `GitRepoRecord` fields. */
const GIT = fieldTable<GitRepo>({ 1: text('remoteUrl'), 2: text('commit') })

/** `BranchPoint` fields (the fork/rewind point of a run). */
const BRANCH_POINT = fieldTable<BranchPoint>({
  1: text('run'),
  2: double('value'),
  3: text('metric'),
})

/** `RunRecord` fields (wandb_internal.proto). */
const RUN = fieldTable<RunRecord>({
  1: text('runId'),
  2: text('entity'),
  3: text('project'),
  4: message('config', readUpdateRecord),
  5: message('summary', readUpdateRecord),
  6: text('runGroup'),
  7: text('jobType'),
  8: text('displayName'),
  9: text('notes'),
  10: texts('tags'),
  12: text('sweepId'),
  13: text('host'),
  14: int64('startingStep'),
  16: text('storageId'),
  17: timestamp('startTime'),
  18: flag('resumed'),
  19: message('telemetry', readTelemetry),
  20: int32('runtime'),
  21: message('git', (r) => readFields(r, GIT, { remoteUrl: '', commit: '' })),
  22: flag('forked'),
  23: message('branchPoint', (r) => readFields(r, BRANCH_POINT, { run: '', value: 0, metric: '' })),
  24: flag('resume'),
  25: flag('sharedMode'),
})

/** Decodes a RunRecord body. */
export function decodeRun(r: ProtoReader): RunRecord {
  return readFields(r, RUN, {
    runId: '',
    entity: '',
    project: '',
    runGroup: '',
    jobType: '',
    displayName: '',
    notes: '',
    tags: [],
    sweepId: '',
    host: '',
    storageId: '',
    resumed: false,
    forked: false,
    resume: false,
    sharedMode: false,
  })
}

/** TelemetryRecord fields that are messages of bool flags (imports, feature, env, deprecated). */
const TELEMETRY_FLAGS = new Set([1, 2, 3, 8, 10])
/** TelemetryRecord fields that are strings (python, cli, huggingface, core versions; platform). */
const TELEMETRY_STRINGS = new Set([4, 5, 6, 12, 13])
/** The TelemetryRecord field that is a message of strings (`label`). */
const TELEMETRY_LABELS = 9

/** Reads a TelemetryRecord body: its version strings and its `_wandb.t` encoding. */
export function readTelemetry(r: ProtoReader): TelemetryRecord {
  const t: TelemetryRecord = { pythonVersion: '', cliVersion: '', coreVersion: '', dict: {} }
  const dict = t.dict!
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    if ((tag & 7) !== 2) r.skip(tag & 7)
    else if (TELEMETRY_FLAGS.has(field)) {
      const set = flagFields(r)
      const prev = dict[field]
      dict[field] = Array.isArray(prev)
        ? [...new Set([...prev, ...set])].sort((a, b) => a - b)
        : set
    } else if (TELEMETRY_STRINGS.has(field)) {
      const value = r.string()
      if (value) dict[field] = value
      if (field === 4) t.pythonVersion = value
      else if (field === 5) t.cliVersion = value
      else if (field === 12) t.coreVersion = value
    } else if (field === TELEMETRY_LABELS) {
      const labels = readStrings(r)
      const prev = dict[field]
      dict[field] = typeof prev === 'object' && !Array.isArray(prev)
        ? { ...prev, ...labels }
        : labels
    } else r.skip(2)
  }
  return t
}

/** Reads a message of string fields into a field-number → string map (empty strings left out). */
function readStrings(r: ProtoReader): Record<string, string> {
  const out: Record<string, string> = {}
  const outer = enter(r)
  while (r.pos < r.end) {
    const t = r.tag()
    if ((t & 7) !== 2) r.skip(t & 7)
    else {
      const value = r.string()
      if (value) out[t >>> 3] = value
    }
  }
  r.end = outer
  return out
}
