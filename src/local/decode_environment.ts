/**
 * Decodes an `EnvironmentRecord` into the object protojson would render for it (JSON field
 * names, 64-bit integers as strings, RFC 3339 timestamps, maps as objects, default values
 * omitted), which is what wandb-core writes to `wandb-metadata.json`.
 *
 * @module
 */
import type { ProtoReader } from './protobuf_reader.ts'
import type { EnvironmentRecord } from './record_types.ts'
import { enter, readTimestamp, sub } from './decode_items.ts'
import { defineKey } from '../json/json_edit.ts'

/** How one field is read and rendered. */
type Kind = 'string' | 'uint32' | 'uint64' | 'timestamp' | Spec
/** One field: its protojson name, kind, and whether it repeats or is a string-keyed map. */
type Field = { name: string; kind: Kind; repeated?: true; map?: true }
/** A message: its fields by number. */
type Spec = Record<number, Field>

const s = (name: string): Field => ({ name, kind: 'string' })
const u32 = (name: string): Field => ({ name, kind: 'uint32' })
const u64 = (name: string): Field => ({ name, kind: 'uint64' })

const GIT: Spec = { 1: s('remote'), 2: s('commit') }
const DISK: Spec = { 1: u64('total'), 2: u64('used') }
const MEMORY: Spec = { 1: u64('total') }
const CPU: Spec = { 1: u32('count'), 2: u32('countLogical'), 3: s('model') }
const APPLE: Spec = {
  1: s('name'),
  2: u32('ecpuCores'),
  3: u32('pcpuCores'),
  4: u32('gpuCores'),
  5: u32('memoryGb'),
  6: u64('swapTotalBytes'),
  7: u64('ramTotalBytes'),
  8: s('macModel'),
}
const NVIDIA: Spec = {
  1: s('name'),
  2: u64('memoryTotal'),
  3: u32('cudaCores'),
  4: s('architecture'),
  5: s('uuid'),
  6: s('pciBusId'),
  7: u32('numaNode'),
}
const AMD: Spec = Object.fromEntries(
  [
    'id',
    'uniqueId',
    'vbiosVersion',
    'performanceLevel',
    'gpuOverdrive',
    'gpuMemoryOverdrive',
    'maxPower',
    'series',
    'model',
    'vendor',
    'sku',
    'sclkRange',
    'mclkRange',
  ].map((name, i) => [i + 1, s(name)]),
)
const TRAINIUM: Spec = {
  1: s('name'),
  2: s('vendor'),
  3: u32('neuronDeviceCount'),
  4: u32('neuroncorePerDeviceCount'),
}
const TPU: Spec = { 1: s('name'), 2: u32('hbmGib'), 3: u32('devicesPerChip'), 4: u32('count') }
const COREWEAVE: Spec = { 1: s('clusterName'), 2: s('orgId'), 3: s('region') }

/** `EnvironmentRecord` fields (wandb_internal.proto, SDK 0.31) with their protojson names. */
const ENVIRONMENT: Spec = {
  1: s('os'),
  2: s('python'),
  3: { name: 'startedAt', kind: 'timestamp' },
  4: s('docker'),
  5: { name: 'args', kind: 'string', repeated: true },
  6: s('program'),
  7: s('codePath'),
  8: s('codePathLocal'),
  9: { name: 'git', kind: GIT },
  10: s('email'),
  11: s('root'),
  12: s('host'),
  13: s('username'),
  14: s('executable'),
  15: s('colab'),
  16: u32('cpu_count'),
  17: u32('cpu_count_logical'),
  18: s('gpu'),
  19: u32('gpu_count'),
  20: { name: 'disk', kind: DISK, map: true },
  21: { name: 'memory', kind: MEMORY },
  22: { name: 'cpu', kind: CPU },
  23: { name: 'apple', kind: APPLE },
  24: { name: 'gpu_nvidia', kind: NVIDIA, repeated: true },
  25: s('cudaVersion'),
  26: { name: 'gpu_amd', kind: AMD, repeated: true },
  27: { name: 'slurm', kind: 'string', map: true },
  28: { name: 'trainium', kind: TRAINIUM },
  29: { name: 'tpu', kind: TPU },
  30: { name: 'coreweave', kind: COREWEAVE },
  199: s('writerId'),
}

/** Decodes an EnvironmentRecord body as protojson would render it. */
export function decodeEnvironment(r: ProtoReader): EnvironmentRecord {
  return readMessage(r, ENVIRONMENT)
}

/** Reads a message body into a protojson-style object using its field table. */
function readMessage(r: ProtoReader, spec: Spec): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = spec[tag >>> 3]
    if (!field || (tag & 7) !== wireTypeOf(field)) {
      r.skip(tag & 7)
      continue
    }
    if (field.map) {
      const [key, value] = readMapEntry(r, field.kind)
      const map = (out[field.name] ??= {}) as Record<string, unknown>
      defineKey(map, key, value)
    } else if (field.repeated) {
      const list = (out[field.name] ??= []) as unknown[]
      list.push(readValue(r, field.kind))
    } else {
      const value = readValue(r, field.kind)
      if (value === '' || value === 0 || value === '0') delete out[field.name]
      else out[field.name] = value
    }
  }
  return out
}

/** The wire type a field of this kind must arrive with. */
function wireTypeOf(field: Field): number {
  return field.kind === 'uint32' || field.kind === 'uint64' ? 0 : 2
}

/** Reads one field value of the given kind. */
function readValue(r: ProtoReader, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return r.string()
    case 'uint32':
      return r.uint32()
    case 'uint64':
      return r.uint64String()
    case 'timestamp':
      return readRfc3339(r)
    default:
      return sub(r, (body) => readMessage(body, kind))
  }
}

/** Reads a map entry message `{key 1: string, value 2}`; an absent value takes its default. */
function readMapEntry(r: ProtoReader, kind: Kind): [string, unknown] {
  const outer = enter(r)
  let key = ''
  let value: unknown = kind === 'string' ? '' : {}
  while (r.pos < r.end) {
    const tag = r.tag()
    if (tag === 0x0a) key = r.string()
    else if (tag === 0x12) value = readValue(r, kind)
    else r.skip(tag & 7)
  }
  r.end = outer
  return [key, value]
}

/** Reads a Timestamp and formats it like protojson: UTC, with 0, 3, 6 or 9 fraction digits. */
function readRfc3339(r: ProtoReader): string {
  const { seconds, nanos } = readTimestamp(r)
  if (!(seconds >= -62135596800 && seconds <= 253402300799)) {
    r.fail(`timestamp ${seconds} s out of range`)
  }
  const base = new Date(seconds * 1000).toISOString().slice(0, 19)
  if (nanos <= 0 || nanos >= 1e9) return base + 'Z'
  const digits = String(nanos).padStart(9, '0')
  const frac = nanos % 1e6 === 0
    ? digits.slice(0, 3)
    : nanos % 1e3 === 0
    ? digits.slice(0, 6)
    : digits
  return `${base}.${frac}Z`
}
