/**
 * Decodes `RunRecord` (run creation and metadata updates) and `TelemetryRecord` bodies.
 *
 * @module
 */
import { readTimestamp, readUpdateRecord, sub } from './decode_items.ts'
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

/** Reads a TelemetryRecord body, keeping only its version strings. */
export function readTelemetry(r: ProtoReader): TelemetryRecord {
  const t = { pythonVersion: '', cliVersion: '', coreVersion: '' }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x22) t.pythonVersion = r.string()
    else if (tag === 0x2a) t.cliVersion = r.string()
    else if (tag === 0x62) t.coreVersion = r.string()
    else r.skip(tag & 7)
  }
  return t
}
