/**
 * Decodes the small `.wandb` record bodies: console output, system stats, files, exit,
 * header, alert and metric definitions.
 *
 * @module
 */
import { enter, readTimestamp, sub } from './decode_items.ts'
import {
  bytesField,
  enumName,
  fieldTable,
  flag,
  int32,
  messages,
  readFields,
  text,
} from './decode_fields.ts'
import { sharedKeyCache as keys } from './key_cache.ts'
import type { ProtoReader } from './protobuf_reader.ts'
import type {
  ExitRecord,
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

/** `OutputLoggerRecord` fields (only the line is kept). */
const OUTPUT_LOGGER = fieldTable<{ line: string }>({ 1: text('line') })

/** Reads an OutputLoggerRecord body and returns its line. */
export function readOutputLogger(r: ProtoReader): string {
  return readFields(r, OUTPUT_LOGGER, { line: '' }).line
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

type FileEntry = FilesRecord['files'][number]

/** `FilesItem` fields: path, policy and type enums (a number past them reads as the first). */
const FILE_ITEM = fieldTable<FileEntry>({
  1: text('path'),
  2: enumName('policy', ['now', 'end', 'live']),
  3: enumName('type', ['other', 'wandb', 'media', 'artifact']),
})

/** `FilesRecord` fields. */
const FILES = fieldTable<FilesRecord>({
  1: messages('files', (r) => readFields(r, FILE_ITEM, { path: '', policy: 'now', type: 'other' })),
})

/** Reads a FilesRecord body. */
export function readFiles(r: ProtoReader): FilesRecord {
  return readFields(r, FILES, { files: [] })
}

/** `RunExitRecord` fields. */
const EXIT = fieldTable<ExitRecord>({
  1: int32('exitCode'),
  2: int32('runtime'),
  3: flag('notComplete'),
})

/** Reads a RunExitRecord body (absent fields are 0 / false). */
export function readExit(r: ProtoReader): ExitRecord {
  return readFields(r, EXIT, { exitCode: 0, runtime: 0, notComplete: false })
}

type Header = { producer: string; minConsumer: string }

/** `HeaderRecord.VersionInfo` fields. */
const VERSION_INFO = fieldTable<Header>({ 1: text('producer'), 2: text('minConsumer') })

/** `HeaderRecord` fields: its `version_info` is read into the header itself. */
const HEADER = fieldTable<Header>({
  1: bytesField((r, header) => sub(r, (r) => readFields(r, VERSION_INFO, header))),
})

/** Reads a HeaderRecord body: the writer's `version_info`. */
export function readHeader(r: ProtoReader): Header {
  return readFields(r, HEADER, { producer: '', minConsumer: '' })
}

type Alert = { title: string; text: string; level: string }

/** `AlertRecord` fields. */
const ALERT = fieldTable<Alert>({ 1: text('title'), 2: text('text'), 3: text('level') })

/** Reads an AlertRecord body. */
export function readAlert(r: ProtoReader): Alert {
  return readFields(r, ALERT, { title: '', text: '', level: '' })
}

const SUMMARY_NAMES = ['', 'min', 'max', 'mean', 'best', 'last', 'none', 'copy', 'first']

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

/** `MetricRecord` fields; options, summary and control are messages of bool flags. */
const METRIC = fieldTable<MetricRecord>({
  1: text('name'),
  2: text('globName'),
  4: text('stepMetric'),
  5: int32('stepMetricIndex'),
  6: bytesField((r, m) => {
    const fields = flagFields(r)
    m.optionFields = fields
    if (fields.includes(2)) m.hidden = true
  }),
  7: bytesField((r, m) => {
    const fields = flagFields(r)
    m.summaryFields = fields
    for (const f of fields) if (f < SUMMARY_NAMES.length) m.summary.push(SUMMARY_NAMES[f])
  }),
  8: enumName('goal', ['unset', 'minimize', 'maximize']),
  9: bytesField((r, m) => void (m.overwrite = flagFields(r).includes(1))),
  10: flag('expandedFromGlob'),
})

/** Decodes a MetricRecord body (`define_metric`). */
export function decodeMetric(r: ProtoReader): MetricRecord {
  return readFields(r, METRIC, emptyMetric(''))
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
