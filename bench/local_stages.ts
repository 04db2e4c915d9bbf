/**
 * Stage profile of wbx's local history path: a ladder of passes over one `.wandb` file, each
 * adding one stage to a shorter one (read → CRC → framing → record head → protobuf decode →
 * value parsing → row objects → streams → NDJSON/Parquet), so the difference between a stage
 * and its base is that stage's own cost. One pass of one stage per process, as in real use
 * (repeated passes in one process warm the JIT up, and repeated exports wait longer and longer
 * on the disk for the fsync of the previous output); prints a StageResult JSON line, or with
 * `list` the stages as JSON.
 *
 * Usage: `<runtime> bench/local_stages.ts <stage|list> <file.wandb> [scratch folder]`
 * (`local.bench.ts --stages` runs every stage under every runtime).
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { runtimeName } from '../src/runtime.ts'
import type { Row } from '../src/row.ts'
import { crc32 } from '../src/local/crc32.ts'
import { FRAME_NEED_DATA, FRAME_RECORD, LogReader } from '../src/local/log_reader.ts'
import { decodeRecordAt, type RecordHead, scanRecordHead } from '../src/local/decode_record.ts'
import { ProtoReader } from '../src/local/protobuf_reader.ts'
import { readRecords } from '../src/local/read_records.ts'
import { buildHistoryRow, parseValueJson } from '../src/local/history_record_row.ts'
import { historyRowStream } from '../src/local/history_scan.ts'
import type { HistoryRecord } from '../src/local/record_types.ts'
import { jsonText } from '../src/export/json_text.ts'
import { exportToPath } from '../src/export/write_to_path.ts'
import type { StageResult } from './local_common.ts'

/** One rung of the ladder. */
interface Stage {
  /** Short name. */
  name: string
  /** The stage whose cost this one includes (its difference is this stage's own cost). */
  base?: string
  /** What the pass does. */
  what: string
  /** Runs the pass over the file and returns the number of items it produced. */
  run(file: string): Promise<number>
}

const SLAB = 1 << 20

/** Reads the file in 1 MiB slabs, calling `each` on every slab. */
async function slabs(file: string, each: (buf: Uint8Array, n: number) => void): Promise<number> {
  const handle = await open(file, 'r')
  const buf = new Uint8Array(SLAB)
  let total = 0
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, SLAB, total)
      if (bytesRead === 0) return total
      each(buf, bytesRead)
      total += bytesRead
    }
  } finally {
    await handle.close()
  }
}

/** Frames every record of the file synchronously, calling `each` with a reader over its payload. */
async function frames(
  file: string,
  each: (r: ProtoReader, offset: number) => void,
): Promise<number> {
  const reader = await LogReader.open(file)
  const f = reader.framer
  const r = new ProtoReader()
  let n = 0
  try {
    for (;;) {
      const code = reader.next()
      if (code === FRAME_RECORD) {
        r.reset(f.out, f.outStart, f.outEnd)
        each(r, f.recordOffset)
        n++
      } else if (code === FRAME_NEED_DATA) await reader.fill()
      else return n
    }
  } finally {
    await reader.close()
  }
}

/** Frames the file and decodes its history records (head scan first, as readRecords does); returns their count. */
async function histories(file: string, each: (h: HistoryRecord) => void): Promise<number> {
  const head: RecordHead = { num: 0, field: 0 }
  let n = 0
  await frames(file, (r, offset) => {
    const start = r.pos
    scanRecordHead(r, head)
    if (head.field !== 2) return
    r.pos = start
    const rec = decodeRecordAt(r, offset)
    if (rec.type === 'history') {
      each(rec.history)
      n++
    }
  })
  return n
}

/** Drains a stream of batches and counts the items. */
async function drain(stream: ReadableStream<unknown[]>): Promise<number> {
  let n = 0
  for await (const batch of stream as unknown as AsyncIterable<unknown[]>) n += batch.length
  return n
}

/** The ladder, in order; scratch is where export stages write. */
function stages(scratch: string): Stage[] {
  let sink = 0
  return [
    { name: 'read', what: 'read the file in 1 MiB slabs', run: (f) => slabs(f, () => {}) },
    {
      name: 'crc',
      base: 'read',
      what: '+ CRC-32 over every byte',
      run: (f) => slabs(f, (b, n) => (sink ^= crc32(b, 0, 0, n))),
    },
    {
      name: 'frame',
      base: 'read',
      what: 'LogReader framing (CRC, reassembly)',
      run: (f) => frames(f, () => {}),
    },
    {
      name: 'head',
      base: 'frame',
      what: "+ scan each record's top-level fields (type filter)",
      run: (f) => {
        const head: RecordHead = { num: 0, field: 0 }
        return frames(f, (r) => scanRecordHead(r, head))
      },
    },
    {
      name: 'decode',
      base: 'head',
      what: '+ protobuf-decode history records',
      run: (f) => histories(f, () => {}),
    },
    {
      name: 'records',
      base: 'decode',
      what: '`readRecords` stream (batches, collector, gap tracking)',
      run: (f) => drain(readRecords(f, { types: new Set(['history']) })),
    },
    {
      name: 'parse',
      base: 'decode',
      what: '+ `parseValueJson` of every item (no rows)',
      run: (f) =>
        histories(f, (h) => {
          for (const item of h.items) if (parseValueJson(item.valueJson) === sink) sink++
        }),
    },
    {
      name: 'rows',
      base: 'decode',
      what: '+ `buildHistoryRow` (parse + row objects)',
      run: (f) => histories(f, (h) => (sink ^= buildHistoryRow(h, 0).step ?? 0)),
    },
    {
      name: 'scan',
      base: 'rows',
      what: '`historyRowStream` (= `scanHistory` without open): streams, batches, filter',
      run: (f) => drain(historyRowStream([f])),
    },
    {
      name: 'ndjson-text',
      base: 'rows',
      what: '+ `jsonText` per row, joined and UTF-8 encoded per 1000 rows (no file)',
      run: (f) => {
        const encoder = new TextEncoder()
        let text = ''
        let k = 0
        return histories(f, (h) => {
          text += jsonText(buildHistoryRow(h, 0).row as Row) + '\n'
          if (++k % 1000 === 0) {
            sink ^= encoder.encode(text).length
            text = ''
          }
        })
      },
    },
    {
      name: 'ndjson',
      base: 'scan',
      what: '`exportToPath(historyRowStream, .ndjson)`',
      run: async (f) => (await exportToPath(historyRowStream([f]), join(scratch, 'o.ndjson'))).rows,
    },
    {
      name: 'parquet',
      base: 'scan',
      what: '`exportToPath(historyRowStream, .parquet)`',
      run: async (f) =>
        (await exportToPath(historyRowStream([f]), join(scratch, 'o.parquet'))).rows,
    },
  ]
}

const [stageName, file, scratchParent] = process.argv.slice(2)
if (!stageName || (stageName !== 'list' && !file)) {
  console.error('usage: <runtime> bench/local_stages.ts <stage|list> <file.wandb> [scratch folder]')
  process.exit(2)
}
const scratch = mkdtempSync(join(scratchParent ?? tmpdir(), 'wbx-stages-'))
try {
  const all = stages(scratch)
  if (stageName === 'list') {
    console.log(JSON.stringify(all.map(({ name, base, what }) => ({ name, base, what }))))
  } else {
    const stage = all.find((s) => s.name === stageName)
    if (!stage) {
      throw new RangeError(
        `Unknown stage "${stageName}": use one of ${all.map((s) => s.name).join(', ')}`,
      )
    }
    const cpu = process.cpuUsage()
    const t = performance.now()
    const items = await stage.run(file)
    const ms = performance.now() - t
    const { user, system } = process.cpuUsage(cpu)
    const cpuMs = (user + system) / 1000
    const result: StageResult = { name: stage.name, runtime: runtimeName, items, ms, cpuMs }
    console.log(JSON.stringify(result))
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
