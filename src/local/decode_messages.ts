/**
 * Decodes the small `.wandb` record bodies: console output, system stats, files, exit,
 * header, alert and metric definitions.
 *
 * @module
 */
import { enter, readTimestamp } from './decode_items.ts'
import { sharedKeyCache as keys } from './key_cache.ts'
import type { ProtoReader } from './protobuf_reader.ts'
import type {
  ExitRecord,
  FilePolicy,
  FilesRecord,
  MetricRecord,
  OutputRecord,
  StatsRecord,
  Timestamp,
} from './record_types.ts'

/** Reads an OutputRecord or OutputRawRecord body (STDERR is the default stream). */
export function readOutput(r: ProtoReader): OutputRecord {
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

/** Reads an OutputLoggerRecord body and returns its line. */
export function readOutputLogger(r: ProtoReader): string {
  let line = ''
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) line = r.string()
    else r.skip(tag & 7)
  }
  return line
}

/** Reads a StatsRecord body: timestamp and `{key, value_json}` items. */
export function readStats(r: ProtoReader): StatsRecord {
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
        if (t === 0x0a) {
          const end = r.lengthEnd()
          key = keys.text(r.buf, r.pos, end)
          r.pos = end
        } else if (t === 0x82) valueJson = r.string()
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

/** Reads a FilesRecord body. */
export function readFiles(r: ProtoReader): FilesRecord {
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

/** Reads a RunExitRecord body (absent fields are 0 / false). */
export function readExit(r: ProtoReader): ExitRecord {
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

/** Reads a HeaderRecord body: the writer's `version_info`. */
export function readHeader(r: ProtoReader): { producer: string; minConsumer: string } {
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

/** Reads an AlertRecord body. */
export function readAlert(r: ProtoReader): { title: string; text: string; level: string } {
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

const SUMMARY_NAMES = ['', 'min', 'max', 'mean', 'best', 'last', 'none', 'copy', 'first']

const GOALS: MetricRecord['goal'][] = ['unset', 'minimize', 'maximize']

/** A metric definition with only a name, every other field at its protobuf default. */
export function emptyMetric(name: string): MetricRecord {
  return {
    name,
    globName: '',
    stepMetric: '',
    hidden: false,
    summary: [],
    goal: 'unset',
    stepMetricIndex: 0,
    overwrite: false,
    expandedFromGlob: false,
  }
}

/** Decodes a MetricRecord body (`define_metric`). */
export function decodeMetric(r: ProtoReader): MetricRecord {
  const m = emptyMetric('')
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) m.name = r.string()
    else if (tag === 0x12) m.globName = r.string()
    else if (tag === 0x22) m.stepMetric = r.string()
    else if (tag === 0x28) m.stepMetricIndex = r.int32()
    else if (tag === 0x40) m.goal = GOALS[r.uint32()] ?? 'unset'
    else if (tag === 0x50) m.expandedFromGlob = r.bool()
    else if (tag === 0x32 || tag === 0x3a || tag === 0x4a) {
      const fields = flagFields(r)
      if (tag === 0x4a) m.overwrite = fields.includes(1)
      else if (tag === 0x32) {
        m.optionFields = fields
        if (fields.includes(2)) m.hidden = true
      } else {
        m.summaryFields = fields
        for (const f of fields) if (f < SUMMARY_NAMES.length) m.summary.push(SUMMARY_NAMES[f])
      }
    } else r.skip(tag & 7)
  }
  return m
}

/** Reads a message of bool flags, returning the field numbers set to true, ascending. */
export function flagFields(r: ProtoReader): number[] {
  const out: number[] = []
  const outer = enter(r)
  while (r.pos < r.end) {
    const t = r.tag()
    if ((t & 7) !== 0) r.skip(t & 7)
    else if (r.bool() && !out.includes(t >>> 3)) out.push(t >>> 3)
  }
  r.end = outer
  return out.sort((a, b) => a - b)
}
