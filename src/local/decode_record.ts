/**
 * Decodes one `.wandb` record payload (a serialized `wandb_internal.Record`) into a
 * WandbRecord: finds the `record_type` oneof member and hands it to its decoder.
 *
 * @module
 */
import { decodeArtifact, decodeUseArtifact } from './decode_artifact.ts'
import { decodeEnvironment } from './decode_environment.ts'
import { enter, readHistory, readUpdateRecord } from './decode_items.ts'
import {
  decodeMetric,
  readAlert,
  readExit,
  readFiles,
  readHeader,
  readOutput,
  readOutputLogger,
  readStats,
} from './decode_messages.ts'
import { decodeRun, readTelemetry } from './decode_run.ts'
import { ProtoReader, WIRE_LEN } from './protobuf_reader.ts'
import type { RecordBody, WandbRecord } from './record_types.ts'

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
  walkRecord(r, false)
  head.num = walked.num
  head.field = walked.known || walked.unknown
}

/** What {@linkcode walkRecord} saw of a record's top-level fields. */
const walked = {
  /** `Record.num`, 0 when absent. */
  num: 0,
  /** The last oneof field of a known number, decoded or not. */
  known: 0,
  /** The last known field that decodes to `other`, else the first unknown number. */
  other: 0,
  /** The first unknown length-delimited field number. */
  unknown: 0,
}

/**
 * Walks a record's top-level fields into {@linkcode walked}: `num`, and the `record_type` oneof
 * fields by kind; with `decode`, decodes each decodable member and returns the last one.
 */
function walkRecord(r: ProtoReader, decode: boolean): RecordBody | undefined {
  let num = 0
  let known = 0
  let other = 0
  let unknown = 0
  let body: RecordBody | undefined
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    if (tag === 8) {
      num = r.int64()
      continue
    }
    const type = (tag & 7) !== WIRE_LEN || isMetaField(field) ? null : ONEOF_TYPES[field]
    if (type === undefined) {
      if (unknown === 0) unknown = field
      if (other === 0) other = field
    } else if (type !== null) {
      known = field
      if (type === 'other') other = field
    }
    if (decode && type !== undefined && type !== null && type !== 'other') {
      const outer = enter(r)
      body = decodeBody(r, field)
      r.end = outer
    } else r.skip(tag & 7)
  }
  walked.num = num
  walked.known = known
  walked.other = other
  walked.unknown = unknown
  return body
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
  const body = walkRecord(r, true)
  const rec = (body ?? { type: 'other', field: walked.other }) as WandbRecord
  rec.num = walked.num
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

/** Skips every field of the current message and returns `value`. */
function skipAll<T>(r: ProtoReader, value: T): T {
  while (r.pos < r.end) r.skip(r.tag() & 7)
  return value
}
