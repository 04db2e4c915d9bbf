/**
 * Test-only: writes run folders for report tests (`.wandb` logs as wandb-core writes them): a run
 * record with config, tags and notes, numeric history from a value function, optional system
 * stats, an exit record. History records use a lean encoder so a 1M-step run takes seconds.
 */
import { mkdir, mkdtemp } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LogWriter } from '../local/_log_writer.ts'
import { type ProtoWriter, record, writeItem } from '../local/_proto_writer.ts'

/** What a generated run holds. */
export interface TestRunSpec {
  id: string
  name?: string
  project?: string
  steps: number
  /** History keys; `value(key, step)` gives each value (undefined leaves the key out of that row). */
  keys: string[]
  value: (key: string, step: number) => number | undefined
  /** System stats rows: seconds after start → key → value. */
  stats?: { seconds: number; values: Record<string, number> }[]
  config?: Record<string, unknown>
  tags?: string[]
  notes?: string
  /** Seconds since 1970 the run started. @default 1790000000 */
  start?: number
}

const enc = new TextEncoder()

/** JSON text the SDK writes for a number (bare NaN/Infinity tokens). */
export function valueJson(v: number): string {
  return Number.isNaN(v)
    ? 'NaN'
    : v === Infinity
    ? 'Infinity'
    : v === -Infinity
    ? '-Infinity'
    : String(v)
}

function varint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
}

function field(out: number[], tag: number, bytes: ArrayLike<number>): void {
  varint(out, tag)
  varint(out, bytes.length)
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i])
}

/** A history Record: `_step` item, one item per key (key field 1), the step message. */
function historyPayload(num: number, step: number, items: [Uint8Array, string][]): Uint8Array {
  const h: number[] = []
  // value_json is field 16: tag (16 << 3 | 2) = 130, the varint 0x82 0x01.
  const itemBytes = (key: Uint8Array, json: string): number[] => {
    const i: number[] = []
    field(i, 0x0a, key)
    const v = enc.encode(json)
    i.push(0x82, 0x01)
    varint(i, v.length)
    for (const b of v) i.push(b)
    return i
  }
  field(h, 0x0a, itemBytes(STEP, String(step)))
  for (const [k, json] of items) field(h, 0x0a, itemBytes(k, json))
  const s: number[] = []
  if (step) {
    s.push(0x08)
    varint(s, step)
  }
  field(h, 0x12, s)
  const r: number[] = [0x08]
  varint(r, num)
  field(r, 0x12, h)
  return Uint8Array.from(r)
}

const STEP = enc.encode('_step')

const ts = (w: ProtoWriter, fieldNo: number, seconds: number) =>
  w.message(
    fieldNo,
    (t) => t.varint(1, Math.floor(seconds)).varint(2, Math.round((seconds % 1) * 1e9)),
  )

/** Writes one run folder under `wandbDir`; resolves to the folder. */
export async function writeTestRun(wandbDir: string, spec: TestRunSpec): Promise<string> {
  const start = spec.start ?? 1_790_000_000
  const folder = join(wandbDir, `run-20260101_000000-${spec.id}`)
  await mkdir(join(folder, 'files'), { recursive: true })
  const w = new LogWriter()
  w.append(record((r) => r.message(21, (h) => h.message(1, (v) => v.string(1, '0.31.0')))))
  w.append(record((r) =>
    r.message(17, (run) => {
      run.string(1, spec.id).string(3, spec.project ?? 'report-tests')
      run.message(4, (c) => {
        for (const [k, v] of Object.entries(spec.config ?? {})) {
          c.message(1, (i) => writeItem(i, [k, JSON.stringify(v)]))
        }
      })
      if (spec.name) run.string(8, spec.name)
      if (spec.notes) run.string(9, spec.notes)
      for (const t of spec.tags ?? []) run.string(10, t)
      ts(run, 17, start)
    })
  ))
  const keys = spec.keys.map((k) => [k, enc.encode(k)] as const)
  const stats = [...(spec.stats ?? [])]
  const file = await open(join(folder, `run-${spec.id}.wandb`), 'wx')
  let flushed = 0
  try {
    for (let step = 0; step < spec.steps; step++) {
      const items: [Uint8Array, string][] = []
      for (const [k, bytes] of keys) {
        const v = spec.value(k, step)
        if (v !== undefined) items.push([bytes, valueJson(v)])
      }
      w.append(historyPayload(step + 1, step, items))
      while (stats.length && stats[0].seconds <= (step + 1) / spec.steps * lastSecond(spec)) {
        w.append(statsPayload(stats.shift()!, start))
      }
      if (w.length - flushed > 1 << 24) flushed = await flush(file, w, flushed)
    }
    for (const s of stats) w.append(statsPayload(s, start))
    w.append(record((r) => r.message(18, (e) => e.varint(2, Math.ceil(lastSecond(spec))))))
    await flush(file, w, flushed)
  } finally {
    await file.close()
  }
  return folder
}

function lastSecond(spec: TestRunSpec): number {
  return spec.stats?.length ? spec.stats[spec.stats.length - 1].seconds : 1
}

function statsPayload(s: { seconds: number; values: Record<string, number> }, start: number) {
  return record((r) =>
    r.message(7, (st) => {
      ts(st, 2, start + s.seconds)
      for (const [k, v] of Object.entries(s.values)) {
        st.message(3, (i) => i.string(1, k).string(16, valueJson(v)))
      }
    })
  )
}

async function flush(
  file: import('node:fs/promises').FileHandle,
  w: LogWriter,
  from: number,
): Promise<number> {
  const bytes = w.bytes()
  await file.write(bytes, from, bytes.length - from, from)
  return bytes.length
}

/** A fresh temporary `wandb/` folder. */
export async function tempWandbDir(label: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `wbx-report-${label}-`))
  const dir = join(root, 'wandb')
  await mkdir(dir)
  return dir
}
