/**
 * Decodes `RunRecord` (run creation and metadata updates) and `TelemetryRecord` bodies.
 *
 * @module
 */
import { enter, readTimestamp, readUpdateRecord, sub } from './decode_items.ts'
import { flagFields } from './decode_messages.ts'
import type { ProtoReader } from './protobuf_reader.ts'
import type { RunRecord, TelemetryRecord } from './record_types.ts'

/** Decodes a RunRecord body. */
export function decodeRun(r: ProtoReader): RunRecord {
  const run: RunRecord = {
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
  }
  while (r.pos < r.end) {
    const tag = r.tag()
    switch (tag) {
      case 0x0a:
        run.runId = r.string()
        break
      case 0x12:
        run.entity = r.string()
        break
      case 0x1a:
        run.project = r.string()
        break
      case 0x22:
        run.config = sub(r, readUpdateRecord)
        break
      case 0x2a:
        run.summary = sub(r, readUpdateRecord)
        break
      case 0x32:
        run.runGroup = r.string()
        break
      case 0x3a:
        run.jobType = r.string()
        break
      case 0x42:
        run.displayName = r.string()
        break
      case 0x4a:
        run.notes = r.string()
        break
      case 0x52:
        run.tags.push(r.string())
        break
      case 0x62:
        run.sweepId = r.string()
        break
      case 0x6a:
        run.host = r.string()
        break
      case 0x70:
        run.startingStep = r.int64()
        break
      case 0x82:
        run.storageId = r.string()
        break
      case 0x8a:
        run.startTime = readTimestamp(r)
        break
      case 0x90:
        run.resumed = r.bool()
        break
      case 0x9a:
        run.telemetry = sub(r, readTelemetry)
        break
      case 0xa0:
        run.runtime = r.int32()
        break
      case 0xaa:
        run.git = sub(r, readGit)
        break
      case 0xb0:
        run.forked = r.bool()
        break
      case 0xba:
        run.branchPoint = sub(r, readBranchPoint)
        break
      case 0xc0:
        run.resume = r.bool()
        break
      case 0xc8:
        run.sharedMode = r.bool()
        break
      default:
        r.skip(tag & 7)
    }
  }
  return run
}

/** Reads a GitRepoRecord body. */
function readGit(r: ProtoReader): { remoteUrl: string; commit: string } {
  const git = { remoteUrl: '', commit: '' }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) git.remoteUrl = r.string()
    else if (tag === 0x12) git.commit = r.string()
    else r.skip(tag & 7)
  }
  return git
}

/** Reads a BranchPoint body (the fork/rewind point of a run). */
function readBranchPoint(r: ProtoReader): { run: string; value: number; metric: string } {
  const point = { run: '', value: 0, metric: '' }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) point.run = r.string()
    else if (tag === 0x11) point.value = r.double()
    else if (tag === 0x1a) point.metric = r.string()
    else r.skip(tag & 7)
  }
  return point
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
