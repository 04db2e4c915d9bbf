/**
 * Decodes one `.wandb` record payload (a serialized `wandb_internal.Record`) into a
 * WandbRecord. The frequent messages (history, summary, config, stats, console output) are
 * decoded here; run, artifact, metric and environment records in decode_messages.ts.
 *
 * @module
 */
import {
  decodeArtifact,
  decodeMetric,
  decodeRun,
  decodeUseArtifact,
  enter,
  readTelemetry,
  readTimestamp,
  readUpdateRecord,
} from './decode_messages.ts'
import { decodeEnvironment } from './decode_environment.ts'
import { ProtoReader, WIRE_LEN } from './protobuf_reader.ts'
import type {
  ExitRecord,
  FilePolicy,
  FilesRecord,
  HistoryRecord,
  Item,
  OutputRecord,
  RecordBody,
  StatsRecord,
  Timestamp,
  WandbRecord,
} from './record_types.ts'

/** A record type name, the `type` of a RecordBody. */
export type RecordType = RecordBody['type']

/** `Record.record_type` oneof field numbers and the type each decodes to. */
const ONEOF_TYPES: Record<number, RecordType> = {
  2: 'history',
  3: 'summary',
  4: 'output',
  5: 'config',
  6: 'files',
  7: 'stats',
  8: 'artifact',
  9: 'other', // tbrecord
  10: 'alert',
  11: 'telemetry',
  12: 'metric',
  13: 'output_raw',
  17: 'run',
  18: 'exit',
  20: 'final',
  21: 'header',
  22: 'footer',
  23: 'preempting',
  24: 'other', // noop_link_artifact
  25: 'use_artifact',
  26: 'environment',
  27: 'output_logger',
  100: 'other', // request: runtime RPCs, never data
}

/** Record fields outside the oneof: num 1, control 16, uuid 19, _info 200. */
function isMetaField(field: number): boolean {
  return field === 1 || field === 16 || field === 19 || field === 200
}

/** The record type a `record_type` oneof field number decodes to (`other` for unknown numbers). */
export function recordTypeOfField(field: number): RecordType {
  return ONEOF_TYPES[field] ?? 'other'
}

/** The result of scanning a record's top-level fields without decoding them. */
export interface RecordHead {
  /** `Record.num`, 0 when absent. */
  num: number
  /** The oneof field number that is set (the first unknown length-delimited field if none is known; 0 if nothing). */
  field: number
}

/** Scans a record's top-level fields (skipping every sub-message) and fills `head`. */
export function scanRecordHead(r: ProtoReader, head: RecordHead): void {
  let num = 0
  let known = 0
  let unknown = 0
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    if (tag === 8) {
      num = r.int64()
      continue
    }
    r.skip(tag & 7)
    if ((tag & 7) !== WIRE_LEN || isMetaField(field)) continue
    if (ONEOF_TYPES[field] !== undefined) known = field
    else if (unknown === 0) unknown = field
  }
  head.num = num
  head.field = known || unknown
}

const peekReader = new ProtoReader()
const peekHead: RecordHead = { num: 0, field: 0 }

/** Returns the `record_type` oneof field number of a record payload (2 history, 7 stats, …; 0 if none) without decoding it. */
export function peekRecordType(payload: Uint8Array): number {
  peekReader.reset(payload)
  scanRecordHead(peekReader, peekHead)
  return peekHead.field
}

const sharedReader = new ProtoReader()

/** Decodes one record payload; `offset` is the file offset of its first chunk. Throws ProtobufDecodeError when malformed. */
export function decodeRecord(payload: Uint8Array, offset = 0): WandbRecord {
  sharedReader.reset(payload)
  return decodeRecordAt(sharedReader, offset)
}

/** Decodes the record in `r.buf[r.pos, r.end)`; the reader is left at the end. */
export function decodeRecordAt(r: ProtoReader, offset: number): WandbRecord {
  let num = 0
  let body: RecordBody | undefined
  let unknown = 0
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    if (tag === 8) {
      num = r.int64()
    } else if ((tag & 7) !== WIRE_LEN || isMetaField(field)) {
      r.skip(tag & 7)
    } else if (ONEOF_TYPES[field] === undefined || ONEOF_TYPES[field] === 'other') {
      if (unknown === 0 || ONEOF_TYPES[field] !== undefined) unknown = field
      r.skip(tag & 7)
    } else {
      const outer = enter(r)
      body = decodeBody(r, field)
      r.end = outer
    }
  }
  const rec = (body ?? { type: 'other', field: unknown }) as WandbRecord
  rec.num = num
  rec.offset = offset
  return rec
}

/** Decodes the oneof member `field` from `r.buf[r.pos, r.end)`. */
function decodeBody(r: ProtoReader, field: number): RecordBody {
  switch (field) {
    case 2:
      return { type: 'history', history: readHistory(r) }
    case 3:
      return { type: 'summary', summary: readUpdateRecord(r) }
    case 4:
      return { type: 'output', output: readOutput(r) }
    case 5:
      return { type: 'config', config: readUpdateRecord(r) }
    case 6:
      return { type: 'files', files: readFiles(r) }
    case 7:
      return { type: 'stats', stats: readStats(r) }
    case 8:
      return { type: 'artifact', artifact: decodeArtifact(r) }
    case 10:
      return { type: 'alert', alert: readAlert(r) }
    case 11:
      return { type: 'telemetry', telemetry: readTelemetry(r) }
    case 12:
      return { type: 'metric', metric: decodeMetric(r) }
    case 13:
      return { type: 'output_raw', output: readOutput(r) }
    case 17:
      return { type: 'run', run: decodeRun(r) }
    case 18:
      return { type: 'exit', exit: readExit(r) }
    case 20:
      return skipAll(r, { type: 'final' })
    case 21:
      return { type: 'header', header: readHeader(r) }
    case 22:
      return skipAll(r, { type: 'footer' })
    case 23:
      return skipAll(r, { type: 'preempting' })
    case 25:
      return { type: 'use_artifact', useArtifact: decodeUseArtifact(r) }
    case 26: {
      const environment = decodeEnvironment(r)
      // Field 26 was LaunchWandbConfigParametersRecord in SDK 0.16.5-0.16.6: trust only a sane environment.
      const os = environment.os
      const sane = typeof environment.writerId === 'string' ||
        (typeof os === 'string' && isPrintable(os))
      return sane ? { type: 'environment', environment } : { type: 'other', field: 26 }
    }
    case 27:
      return { type: 'output_logger', line: readOutputLogger(r) }
    default:
      return skipAll(r, { type: 'other', field })
  }
}

/** Whether a string has no ASCII control characters. */
function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return false
  return true
}

function skipAll<T>(r: ProtoReader, value: T): T {
  while (r.pos < r.end) r.skip(r.tag() & 7)
  return value
}

/** Reads a HistoryRecord: items, and the `step` sub-message whose presence matters (empty = step 0). */
function readHistory(r: ProtoReader): HistoryRecord {
  const items: Item[] = []
  let step = -1
  let hasStep = false
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) {
      const outer = enter(r)
      items.push(readHistoryItem(r))
      r.end = outer
    } else if (tag === 0x12) {
      const outer = enter(r)
      hasStep = true
      step = 0
      while (r.pos < r.end) {
        const t = r.tag()
        if (t === 8) step = r.int64()
        else r.skip(t & 7)
      }
      r.end = outer
    } else {
      r.skip(tag & 7)
    }
  }
  return hasStep ? { items, step } : { items }
}

/**
 * Reads a HistoryItem. `value_json` wins; without it the typed `value` oneof (SDK ≥ 0.31,
 * fields 3-8) is rendered as the same extended-JSON text so consumers see one shape.
 */
function readHistoryItem(r: ProtoReader): Item {
  let key = ''
  let nested: string[] | undefined
  let valueJson = ''
  let typed = ''
  while (r.pos < r.end) {
    const tag = r.tag()
    switch (tag) {
      case 0x0a:
        key = r.string()
        break
      case 0x12:
        if (nested) nested.push(r.string())
        else nested = [r.string()]
        break
      case 0x82: // field 16, value_json
        valueJson = r.string()
        break
      case 0x18: // 3: none
        r.uint32()
        typed = 'null'
        break
      case 0x20: // 4: boolean
        typed = r.bool() ? 'true' : 'false'
        break
      case 0x28: // 5: integer (sint64)
        typed = r.sint64String()
        break
      case 0x31: // 6: number (double)
        typed = jsonNumber(r.double())
        break
      case 0x3a: // 7: text
        typed = JSON.stringify(r.string())
        break
      case 0x42: // 8: json
        typed = r.string()
        break
      default:
        r.skip(tag & 7)
    }
  }
  return { path: nested ?? [key], valueJson: valueJson || typed }
}

/** Formats a double as W&B extended JSON (bare NaN and ±Infinity). */
function jsonNumber(v: number): string {
  if (Number.isFinite(v)) return String(v)
  return v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'
}

function readOutput(r: ProtoReader): OutputRecord {
  let stream: 'stdout' | 'stderr' = 'stderr'
  let timestamp: Timestamp | undefined
  let line = ''
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x08) stream = r.uint32() === 1 ? 'stdout' : 'stderr'
    else if (tag === 0x12) timestamp = readTimestamp(r)
    else if (tag === 0x1a) line = r.string()
    else r.skip(tag & 7)
  }
  return timestamp ? { stream, timestamp, line } : { stream, line }
}

function readOutputLogger(r: ProtoReader): string {
  let line = ''
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) line = r.string()
    else r.skip(tag & 7)
  }
  return line
}

function readStats(r: ProtoReader): StatsRecord {
  let timestamp: Timestamp | undefined
  const items: { key: string; valueJson: string }[] = []
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x12) timestamp = readTimestamp(r)
    else if (tag === 0x1a) {
      const outer = enter(r)
      let key = ''
      let valueJson = ''
      while (r.pos < r.end) {
        const t = r.tag()
        if (t === 0x0a) key = r.string()
        else if (t === 0x82) valueJson = r.string()
        else r.skip(t & 7)
      }
      r.end = outer
      items.push({ key, valueJson })
    } else r.skip(tag & 7)
  }
  return timestamp ? { timestamp, items } : { items }
}

const POLICIES: FilePolicy[] = ['now', 'end', 'live']
const FILE_TYPES = ['other', 'wandb', 'media', 'artifact'] as const

function readFiles(r: ProtoReader): FilesRecord {
  const files: FilesRecord['files'] = []
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag !== 0x0a) {
      r.skip(tag & 7)
      continue
    }
    const outer = enter(r)
    let path = ''
    let policy: FilePolicy = 'now'
    let type: FilesRecord['files'][number]['type'] = 'other'
    while (r.pos < r.end) {
      const t = r.tag()
      if (t === 0x0a) path = r.string()
      else if (t === 0x10) policy = POLICIES[r.uint32()] ?? 'now'
      else if (t === 0x18) type = FILE_TYPES[r.uint32()] ?? 'other'
      else r.skip(t & 7)
    }
    r.end = outer
    files.push({ path, policy, type })
  }
  return { files }
}

function readExit(r: ProtoReader): ExitRecord {
  const exit: ExitRecord = { exitCode: 0, runtime: 0, notComplete: false }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x08) exit.exitCode = r.int32()
    else if (tag === 0x10) exit.runtime = r.int32()
    else if (tag === 0x18) exit.notComplete = r.bool()
    else r.skip(tag & 7)
  }
  return exit
}

function readHeader(r: ProtoReader): { producer: string; minConsumer: string } {
  const header = { producer: '', minConsumer: '' }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag !== 0x0a) {
      r.skip(tag & 7)
      continue
    }
    const outer = enter(r)
    while (r.pos < r.end) {
      const t = r.tag()
      if (t === 0x0a) header.producer = r.string()
      else if (t === 0x12) header.minConsumer = r.string()
      else r.skip(t & 7)
    }
    r.end = outer
  }
  return header
}

function readAlert(r: ProtoReader): { title: string; text: string; level: string } {
  const alert = { title: '', text: '', level: '' }
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) alert.title = r.string()
    else if (tag === 0x12) alert.text = r.string()
    else if (tag === 0x1a) alert.level = r.string()
    else r.skip(tag & 7)
  }
  return alert
}
