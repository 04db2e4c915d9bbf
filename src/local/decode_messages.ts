/**
 * Decoders for the less frequent `.wandb` messages: run, artifact, metric, telemetry,
 * environment (rendered protojson-style, like `wandb-metadata.json`), plus the helpers the
 * record decoder shares (sub-message entry, timestamps, summary/config items).
 *
 * @module
 */
import type { ProtoReader } from './protobuf_reader.ts'
import type {
  ArtifactRecord,
  Item,
  ManifestEntry,
  MetricRecord,
  RunRecord,
  TelemetryRecord,
  Timestamp,
  UpdateRecord,
  UseArtifactRecord,
} from './record_types.ts'

/** Enters a length-delimited sub-message: narrows `r.end` to it and returns the outer end to restore. */
export function enter(r: ProtoReader): number {
  const end = r.lengthEnd()
  const outer = r.end
  r.end = end
  return outer
}

/** Reads a length-delimited `google.protobuf.Timestamp`. */
export function readTimestamp(r: ProtoReader): Timestamp {
  const outer = enter(r)
  let seconds = 0
  let nanos = 0
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x08) seconds = r.int64()
    else if (tag === 0x10) nanos = r.int32()
    else r.skip(tag & 7)
  }
  r.end = outer
  return { seconds, nanos }
}

/** Reads a length-delimited Summary/Config/History item: `key` 1, `nested_key` 2, `value_json` 16. */
function readItem(r: ProtoReader): Item {
  const outer = enter(r)
  let key = ''
  let nested: string[] | undefined
  let valueJson = ''
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) key = r.string()
    else if (tag === 0x12) {
      if (nested) nested.push(r.string())
      else nested = [r.string()]
    } else if (tag === 0x82) valueJson = r.string()
    else r.skip(tag & 7)
  }
  r.end = outer
  return { path: nested ?? [key], valueJson }
}

/** Reads a SummaryRecord or ConfigRecord body: `update` 1 and `remove` 2 items. */
export function readUpdateRecord(r: ProtoReader): UpdateRecord {
  const update: Item[] = []
  const remove: Item[] = []
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) update.push(readItem(r))
    else if (tag === 0x12) remove.push(readItem(r))
    else r.skip(tag & 7)
  }
  return { update, remove }
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

/** Runs `read` over a length-delimited sub-message and restores the outer bounds. */
function sub<T>(r: ProtoReader, read: (r: ProtoReader) => T): T {
  const outer = enter(r)
  const value = read(r)
  r.end = outer
  return value
}

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

/** Sets an own property even for the key `__proto__`. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  } else obj[key] = value
}

/** Reads a `{key 1, value_json 2}` entry into `into`. */
function readKeyValue(r: ProtoReader, into: Record<string, string>): void {
  const outer = enter(r)
  let key = ''
  let value = ''
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) key = r.string()
    else if (tag === 0x12) value = r.string()
    else r.skip(tag & 7)
  }
  r.end = outer
  setOwn(into, key, value)
}

/** Decodes an ArtifactRecord body with its manifest. */
export function decodeArtifact(r: ProtoReader): ArtifactRecord {
  const a: ArtifactRecord = {
    runId: '',
    project: '',
    entity: '',
    type: '',
    name: '',
    digest: '',
    description: '',
    metadata: '',
    userCreated: false,
    useAfterCommit: false,
    aliases: [],
    tags: [],
    distributedId: '',
    finalize: false,
    clientId: '',
    sequenceClientId: '',
    baseId: '',
    ttlDurationSeconds: 0,
  }
  while (r.pos < r.end) {
    const tag = r.tag()
    switch (tag) {
      case 0x0a:
        a.runId = r.string()
        break
      case 0x12:
        a.project = r.string()
        break
      case 0x1a:
        a.entity = r.string()
        break
      case 0x22:
        a.type = r.string()
        break
      case 0x2a:
        a.name = r.string()
        break
      case 0x32:
        a.digest = r.string()
        break
      case 0x3a:
        a.description = r.string()
        break
      case 0x42:
        a.metadata = r.string()
        break
      case 0x48:
        a.userCreated = r.bool()
        break
      case 0x50:
        a.useAfterCommit = r.bool()
        break
      case 0x5a:
        a.aliases.push(r.string())
        break
      case 0x62:
        a.manifest = sub(r, readManifest)
        break
      case 0x6a:
        a.distributedId = r.string()
        break
      case 0x70:
        a.finalize = r.bool()
        break
      case 0x7a:
        a.clientId = r.string()
        break
      case 0x82:
        a.sequenceClientId = r.string()
        break
      case 0x8a:
        a.baseId = r.string()
        break
      case 0x90:
        a.ttlDurationSeconds = r.int64()
        break
      case 0x9a:
        a.tags.push(r.string())
        break
      case 0xa2:
        a.digestAlgorithm = r.string()
        break
      default:
        r.skip(tag & 7)
    }
  }
  return a
}

function readManifest(r: ProtoReader): NonNullable<ArtifactRecord['manifest']> {
  const m: NonNullable<ArtifactRecord['manifest']> = {
    version: 0,
    storagePolicy: '',
    storagePolicyConfig: {},
    contents: [],
    manifestFilePath: '',
  }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x08) m.version = r.int32()
    else if (tag === 0x12) m.storagePolicy = r.string()
    else if (tag === 0x1a) readKeyValue(r, m.storagePolicyConfig)
    else if (tag === 0x22) m.contents.push(sub(r, readManifestEntry))
    else if (tag === 0x2a) m.manifestFilePath = r.string()
    else r.skip(tag & 7)
  }
  return m
}

function readManifestEntry(r: ProtoReader): ManifestEntry {
  const e: ManifestEntry = {
    path: '',
    digest: '',
    ref: '',
    size: 0,
    mimetype: '',
    localPath: '',
    birthArtifactId: '',
    extra: {},
  }
  while (r.pos < r.end) {
    const tag = r.tag()
    switch (tag) {
      case 0x0a:
        e.path = r.string()
        break
      case 0x12:
        e.digest = r.string()
        break
      case 0x1a:
        e.ref = r.string()
        break
      case 0x20:
        e.size = r.int64()
        break
      case 0x2a:
        e.mimetype = r.string()
        break
      case 0x32:
        e.localPath = r.string()
        break
      case 0x3a:
        e.birthArtifactId = r.string()
        break
      case 0x82:
        readKeyValue(r, e.extra)
        break
      default:
        r.skip(tag & 7)
    }
  }
  return e
}

/** Decodes a UseArtifactRecord body. */
export function decodeUseArtifact(r: ProtoReader): UseArtifactRecord {
  const u = { id: '', type: '', name: '' }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) u.id = r.string()
    else if (tag === 0x12) u.type = r.string()
    else if (tag === 0x1a) u.name = r.string()
    else r.skip(tag & 7)
  }
  return u
}

const SUMMARY_NAMES = ['', 'min', 'max', 'mean', 'best', 'last', 'none', 'copy', 'first']
const GOALS: MetricRecord['goal'][] = ['unset', 'minimize', 'maximize']

/** Decodes a MetricRecord body (`define_metric`). */
export function decodeMetric(r: ProtoReader): MetricRecord {
  const m: MetricRecord = {
    name: '',
    globName: '',
    stepMetric: '',
    hidden: false,
    summary: [],
    goal: 'unset',
  }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) m.name = r.string()
    else if (tag === 0x12) m.globName = r.string()
    else if (tag === 0x22) m.stepMetric = r.string()
    else if (tag === 0x40) m.goal = GOALS[r.uint32()] ?? 'unset'
    else if (tag === 0x32 || tag === 0x3a) {
      const outer = enter(r)
      while (r.pos < r.end) {
        const t = r.tag()
        const field = t >>> 3
        if ((t & 7) !== 0) r.skip(t & 7)
        else if (!r.bool()) continue
        else if (tag === 0x32 && field === 2) m.hidden = true
        else if (tag === 0x3a && field < SUMMARY_NAMES.length) m.summary.push(SUMMARY_NAMES[field])
      }
      r.end = outer
    } else r.skip(tag & 7)
  }
  return m
}
