import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { type DamageReport, emptyDamageReport } from '../../src/local/damage_report.ts'
import { WandbLogDamageError, WandbLogFormatError } from '../../src/local/errors.ts'
import {
  peekRecordType,
  readRecords,
  readRecordsFromBytes,
  type ReadRecordsOptions,
} from '../../src/local/read_records.ts'
import type { WandbRecord } from '../../src/local/record_types.ts'
import { LogWriter, seededRandom } from './_log_writer.ts'
import { historyRecord, record, runRecord, syntheticHistoryRecord } from './_proto_writer.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'
import { skipWithoutWandbPython, wandbPython } from '../_python.ts'
import { fileURLToPath } from 'node:url'

const skip = skipWithoutSharedFixtures

async function collect(
  stream: ReadableStream<WandbRecord[]>,
): Promise<{ records: WandbRecord[]; batches: number[] }> {
  const records: WandbRecord[] = []
  const batches: number[] = []
  for await (const batch of stream) {
    assert.ok(Array.isArray(batch))
    batches.push(batch.length)
    records.push(...batch)
  }
  return { records, batches }
}

async function read(path: string, options: ReadRecordsOptions = {}) {
  const report = options.report ?? emptyDamageReport(path)
  const { records, batches } = await collect(readRecords(path, { ...options, report }))
  return { records, batches, report }
}

function countTypes(records: WandbRecord[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of records) counts[r.type] = (counts[r.type] ?? 0) + 1
  return counts
}

function withTempFile<T>(bytes: Uint8Array, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-records-'))
  const path = join(dir, 'run-test.wandb')
  writeFileSync(path, bytes)
  return fn(path).finally(() => rmSync(dir, { recursive: true, force: true }))
}

const COMPAT = 'wandb-compat-logs-synthesized/offline-run-'
const LEET = 'wandb-leet-fixtures/wandb/'
const leet = (dir: string, id: string, stamp = '030405') =>
  `${LEET}${dir}/wandb/run-20260102_${stamp}-${id}/run-${id}.wandb`

/** Record counts by type for every shared fixture (wandb-local-format.md §5.2). */
const EXPECTED: [string, Record<string, number>][] = [
  ['wandb-offline-run-2021/run-g9dvvkua.wandb', {
    header: 1,
    run: 1,
    files: 1,
    artifact: 1,
    telemetry: 1,
    exit: 1,
    stats: 1,
    summary: 1,
    final: 1,
    footer: 1,
  }],
  [`${COMPAT}old_auto_steps/run-old_auto_steps.wandb`, { run: 1, summary: 3, history: 3, exit: 1 }],
  [`${COMPAT}old_auto_steps_flat_keys/run-old_auto_steps_flat_keys.wandb`, {
    run: 1,
    summary: 3,
    history: 3,
    exit: 1,
  }],
  [`${COMPAT}old_explicit_steps/run-old_explicit_steps.wandb`, {
    run: 1,
    summary: 3,
    history: 3,
    exit: 1,
  }],
  [`${COMPAT}old_resumed_run/run-old_resumed_run.wandb`, {
    run: 1,
    summary: 3,
    history: 3,
    exit: 1,
  }],
  [`${COMPAT}old_shared_mode/run-old_shared_mode.wandb`, { run: 1, history: 2, exit: 1 }],
  [`${COMPAT}old_no_history/run-old_no_history.wandb`, { run: 1, summary: 1, exit: 1 }],
  [`${COMPAT}old_bad_step_types/run-old_bad_step_types.wandb`, { run: 1, history: 6, exit: 1 }],
  [`${COMPAT}new_auto_steps/run-new_auto_steps.wandb`, { run: 1, history: 3, summary: 1, exit: 1 }],
  [`${COMPAT}new_explicit_steps/run-new_explicit_steps.wandb`, {
    run: 1,
    summary: 3,
    history: 3,
    exit: 1,
  }],
  [`${COMPAT}new_shared_mode/run-new_shared_mode.wandb`, { run: 1, history: 2, exit: 1 }],
  [`${COMPAT}new_resume_mode/run-new_resume_mode.wandb`, { run: 1, history: 3, exit: 1 }],
  [leet('single-tiny', 'tiny0001'), {
    run: 1,
    environment: 1,
    output_raw: 20,
    history: 50,
    summary: 1,
    exit: 1,
  }],
  [leet('system-stats', 'sysstats1'), { run: 1, environment: 1, history: 1, stats: 60, exit: 1 }],
  [leet('media', 'media001'), { run: 1, history: 5, exit: 1 }],
  [leet('edge-nan-inf', 'nanedge1'), { run: 1, history: 20, exit: 1 }],
  [leet('edge-unicode', 'uni00001'), { run: 1, output_raw: 1, history: 10, exit: 1 }],
  [leet('edge-empty', 'empty001'), { run: 1 }],
  [leet('workspace-multi', 'wm1plain', '030005'), { run: 1, history: 30, exit: 1 }],
  [leet('workspace-multi', 'wm2notes', '030105'), { run: 1, history: 30, exit: 1 }],
  [leet('workspace-multi', 'wm3live', '030205'), { run: 1, history: 30 }],
  [leet('workspace-multi', 'wm4crash', '030305'), { run: 1, history: 18, output_raw: 2, exit: 1 }],
  [leet('workspace-multi', 'wm5best', '030405'), { run: 1, history: 30, exit: 1 }],
]

test('every shared fixture yields exactly the documented records, intact', { skip }, async () => {
  for (const [relative, counts] of EXPECTED) {
    const { records, report } = await read(sharedFixture(relative))
    assert.deepEqual(countTypes(records), counts, relative)
    assert.deepEqual(report.lostRanges, [], relative)
    assert.deepEqual(report.numGaps, [], relative)
    assert.equal(report.truncatedTail, false, relative)
    assert.equal(report.records, records.length, relative)
  }
})

test('run ids and exit states of the fixtures', { skip }, async () => {
  const ids: string[] = []
  for (const [relative] of EXPECTED.slice(12)) {
    const { records } = await read(sharedFixture(relative))
    const run = records.find((r) => r.type === 'run')
    ids.push(run?.type === 'run' ? run.run.runId : '')
  }
  assert.deepEqual(ids, [
    'tiny0001',
    'sysstats1',
    'media001',
    'nanedge1',
    'uni00001',
    'empty001',
    'wm1plain',
    'wm2notes',
    'wm3live',
    'wm4crash',
    'wm5best',
  ])
})

test('wire/bad-crc.wandb: the 2 readable records and the lost range', { skip }, async () => {
  const { records, report } = await read(sharedFixture('wandb-leet-fixtures/wire/bad-crc.wandb'))
  assert.deepEqual(records.map((r) => [r.type, r.offset]), [['run', 7], ['history', 99]])
  assert.equal(records[0].type === 'run' && records[0].run.runId, 'wirebcrc')
  assert.deepEqual(report.lostRanges, [{ start: 143, end: 293, reason: 'checksum mismatch' }])
  assert.equal(report.truncatedTail, false)
  assert.equal(report.records, 2)
})

test('wire/truncated-tail.wandb: 4 records and a truncated tail', { skip }, async () => {
  const { records, report } = await read(
    sharedFixture('wandb-leet-fixtures/wire/truncated-tail.wandb'),
  )
  assert.deepEqual(records.map((r) => r.type), ['run', 'history', 'history', 'history'])
  const steps = records.map((r) => (r.type === 'history' ? r.history.step : undefined))
  assert.deepEqual(steps, [undefined, 0, 1, 2])
  assert.deepEqual(report.lostRanges, [{ start: 234, end: 290, reason: 'truncated tail' }])
  assert.equal(report.truncatedTail, true)
})

test('readRecordsFromBytes gives the same records as readRecords', { skip }, async () => {
  for (const [relative] of EXPECTED) {
    const path = sharedFixture(relative)
    const fromFile = await read(path)
    const fromBytes = await collect(readRecordsFromBytes(readFileSync(path)))
    assert.deepEqual(fromBytes.records, fromFile.records, relative)
  }
})

test('types decodes only the chosen types but still counts every record', { skip }, async () => {
  const path = sharedFixture(leet('single-tiny', 'tiny0001'))
  const history = await read(path, { types: new Set(['history']) })
  assert.equal(history.records.length, 50)
  assert.ok(history.records.every((r) => r.type === 'history'))
  assert.equal(history.report.records, 74)
  const env = await read(path, { types: new Set(['environment', 'exit']) })
  assert.deepEqual(countTypes(env.records), { environment: 1, exit: 1 })
  const bytes = new LogWriter()
  bytes.append(runRecord(1, 'r'))
  bytes.append(record((w) => w.varint(1, 2).message(100, (q) => q.message(3))))
  const other = await collect(readRecordsFromBytes(bytes.bytes(), { types: new Set(['other']) }))
  assert.deepEqual(other.records, [{ type: 'other', field: 100, num: 2, offset: bytes.offsets[1] }])
})

test('batches hold batchSize records; the stream is pull-based', { skip }, async () => {
  const path = sharedFixture(leet('single-tiny', 'tiny0001'))
  const { batches } = await read(path, { batchSize: 10 })
  assert.deepEqual(batches, [10, 10, 10, 10, 10, 10, 10, 4])
  const report = emptyDamageReport(path)
  const reader = readRecords(path, { batchSize: 10, report }).getReader()
  assert.equal(report.records, 0, 'nothing is read before the first pull')
  const first = await reader.read()
  assert.equal(first.value?.length, 10)
  assert.equal(report.records, 10, 'one pull reads one batch')
  await reader.cancel()
})

/** Builds a log of history records 1..n (num = i) with a value of `valueSize` bytes each. */
function historyLog(
  n: number,
  valueSize: number,
  damage?: (w: LogWriter, bytes: Uint8Array) => void,
) {
  const w = new LogWriter()
  const payloads: Uint8Array[] = []
  for (let i = 1; i <= n; i++) {
    const p = historyRecord(i, [['_step', String(i - 1)], [
      'blob',
      JSON.stringify('v'.repeat(valueSize)),
    ]], i - 1)
    payloads.push(p)
    w.append(p)
  }
  const bytes = w.bytes()
  damage?.(w, bytes)
  return { bytes, offsets: w.offsets, payloads }
}

test('multi-block records stream from a file through small slabs', async () => {
  const { bytes, offsets } = historyLog(60, 20000)
  await withTempFile(bytes, async (path) => {
    const { records, report } = await read(path, { readSize: 128 * 1024, batchSize: 7 })
    assert.equal(records.length, 60)
    assert.deepEqual(records.map((r) => r.offset), offsets)
    assert.deepEqual(records.map((r) => r.num), Array.from({ length: 60 }, (_, i) => i + 1))
    const last = records[59]
    assert.equal(last.type === 'history' && last.history.items[1].valueJson.length, 20002)
    assert.deepEqual(report.lostRanges, [])
  })
})

test('onRead reports the bytes read after each slab, up to the file size', async () => {
  const { bytes } = historyLog(60, 20000)
  await withTempFile(bytes, async (path) => {
    const seen: number[] = []
    const { records } = await read(path, { readSize: 128 * 1024, onRead: (n) => seen.push(n) })
    assert.equal(records.length, 60)
    assert.equal(seen[0], 128 * 1024, 'the first slab')
    assert.equal(seen.at(-1), bytes.length, 'the whole file at the end')
    assert.ok(seen.length >= Math.floor(bytes.length / (128 * 1024)), `${seen}`)
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `${seen}`)
  })
})

test('gaps in Record.num after damage are reported, including before the first record read', async () => {
  const mid = historyLog(12, 9000, (w, b) => (b[w.offsets[4] + 20] ^= 1))
  const a = await collect(readRecordsFromBytes(mid.bytes, { report: emptyDamageReport('mid') }))
  const nums = a.records.map((r) => r.num)
  assert.deepEqual(nums.slice(0, 4), [1, 2, 3, 4])
  const report: DamageReport = emptyDamageReport('mid')
  await collect(readRecordsFromBytes(mid.bytes, { report }))
  assert.deepEqual(report.numGaps, [{ after: 4, before: nums[4], missing: nums[4] - 5 }])
  assert.ok(nums[4] > 5)
  const head = historyLog(12, 9000, (w, b) => (b[w.offsets[0] + 20] ^= 1))
  const headReport = emptyDamageReport('head')
  const h = await collect(readRecordsFromBytes(head.bytes, { report: headReport }))
  assert.deepEqual(headReport.numGaps, [{
    after: 0,
    before: h.records[0].num,
    missing: h.records[0].num - 1,
  }])
})

test('a record that passes its checksum but is not a protobuf is skipped and reported', async () => {
  const w = new LogWriter()
  w.append(runRecord(1, 'r'))
  w.append(Uint8Array.of(0x0b, 0x0c)) // a group tag
  w.append(historyRecord(3, [['a', '1']]))
  const report = emptyDamageReport('x')
  const { records } = await collect(readRecordsFromBytes(w.bytes(), { report }))
  assert.deepEqual(records.map((r) => r.num), [1, 3])
  assert.equal(report.lostRanges.length, 1)
  assert.deepEqual([report.lostRanges[0].start, report.lostRanges[0].end], [
    w.offsets[1],
    w.offsets[2],
  ])
  assert.match(report.lostRanges[0].reason, /^undecodable record \(Cannot decode protobuf: .*group/)
  assert.deepEqual(report.numGaps, [{ after: 1, before: 3, missing: 1 }])
})

test('strict mode rejects at the first damage with a WandbLogDamageError', { skip }, async () => {
  for (const name of ['bad-crc', 'truncated-tail']) {
    await assert.rejects(
      read(sharedFixture(`wandb-leet-fixtures/wire/${name}.wandb`), { strict: true }),
      (err: unknown) => err instanceof WandbLogDamageError && err.range.start > 0,
    )
  }
  const ok = await read(sharedFixture(leet('media', 'media001')), { strict: true })
  assert.equal(ok.records.length, 7)
})

test('open and header errors surface on the first read; bad arguments throw at once', async () => {
  await assert.rejects(collect(readRecords('/nonexistent/dir/run-x.wandb')), (err: unknown) => {
    return (err as { code?: string }).code === 'ENOENT'
  })
  await withTempFile(new TextEncoder().encode('not a wandb file'), async (path) => {
    await assert.rejects(collect(readRecords(path)), WandbLogFormatError)
  })
  assert.throws(() => readRecords(''), TypeError)
  assert.throws(() => readRecords('x.wandb', { batchSize: 0 }), RangeError)
  assert.throws(() => readRecords('x.wandb', { readSize: -1 }), RangeError)
  assert.throws(
    () => readRecords('x.wandb', { types: ['history'] as unknown as Set<'history'> }),
    /types must be a Set/,
  )
  assert.throws(() => readRecordsFromBytes('x' as unknown as Uint8Array), TypeError)
})

/** Open file descriptors of this process (Linux), or undefined elsewhere. */
function openFds(): number | undefined {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : undefined
}

const noProcFd = existsSync('/proc/self/fd')
  ? false
  : 'needs /proc/self/fd (Linux) to count open files'

test('cancel() and an aborted signal close the file', { skip: noProcFd }, async () => {
  const { bytes } = historyLog(400, 3000)
  await withTempFile(bytes, async (path) => {
    const before = openFds()
    const reader = readRecords(path, { batchSize: 5, readSize: 128 * 1024 }).getReader()
    await reader.read()
    assert.equal(openFds(), before! + 1, 'the file is open mid-stream')
    await reader.cancel()
    assert.equal(openFds(), before, 'cancel closed it')

    const controller = new AbortController()
    const aborted = readRecords(path, { batchSize: 5, signal: controller.signal }).getReader()
    await aborted.read()
    controller.abort(new Error('stop'))
    await assert.rejects(aborted.read(), /stop/)
    await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(openFds(), before, 'abort closed it')

    const pre = AbortSignal.abort(new Error('early'))
    await assert.rejects(collect(readRecords(path, { signal: pre })), /early/)
  })
})

test('peekRecordType is exported with the stream API', () => {
  assert.equal(peekRecordType(historyRecord(1, [['a', '1']])), 2)
})

test('throughput: a ~20 MB synthetic history log decodes fully, fast', async () => {
  const rnd = seededRandom(5)
  const distinct = Array.from({ length: 1000 }, (_, i) => syntheticHistoryRecord(i, rnd))
  const w = new LogWriter()
  let n = 0
  while (w.length < 20_000_000) w.append(distinct[n++ % distinct.length])
  const bytes = w.bytes()
  await withTempFile(bytes, async (path) => {
    await collect(readRecords(path, { types: new Set(['history']) })) // warm up the JIT
    const started = performance.now()
    let rows = 0
    let items = 0
    for await (const batch of readRecords(path)) {
      for (const r of batch) {
        if (r.type === 'history') {
          rows++
          items += r.history.items.length
        }
      }
    }
    const seconds = (performance.now() - started) / 1000
    assert.equal(rows, n)
    assert.equal(items, n * 10)
    const mbps = bytes.length / 1e6 / seconds
    console.log(
      `readRecords: ${mbps.toFixed(0)} MB/s, ${(rows / seconds / 1e6).toFixed(2)} M rows/s`,
    )
    assert.ok(mbps > 5, `decoding ran at ${mbps.toFixed(1)} MB/s`)
  })
})

/** The first of these Pythons that can import wandb, with its wandb version. */
function findPythonWithWandb(
  candidates: (string | undefined)[],
): { python: string; version: string } | undefined {
  for (const python of candidates) {
    if (!python) continue
    const r = spawnSync(python, ['-c', 'import wandb; print(wandb.__version__)'], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    if (r.status === 0) return { python, version: r.stdout.trim().split('\n').pop() ?? '' }
  }
  return undefined
}

const py = wandbPython ? findPythonWithWandb([wandbPython]) : undefined
const noPython = skipWithoutWandbPython
/** The legacy SDK (wandb < 0.21, which still has the Python DataStore writer): CI installs 0.20.1 in .venv-legacy. */
const legacyPy = findPythonWithWandb([
  process.env.WBX_LEGACY_PYTHON,
  fileURLToPath(new URL('../../.venv-legacy/bin/python', import.meta.url)),
])

function runPython(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  python: string = py!.python,
): string {
  const r = spawnSync(python, ['-c', script, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  })
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`)
  return r.stdout
}

/** The legacy writer (wandb.sdk.internal.datastore, removed in wandb 0.21), driven to hit block edges. */
const DATASTORE_SCRIPT = `
import json, sys
import wandb
from wandb.proto import wandb_internal_pb2 as pb
from wandb.sdk.internal import datastore
wandb._assert_is_internal_process = True
ds = datastore.DataStore()
ds.open_for_write(sys.argv[1])
def hist(num, size):
    r = pb.Record(num=num)
    it = r.history.item.add(); it.key = "_step"; it.value_json = str(num)
    it = r.history.item.add(); it.key = "blob"; it.value_json = json.dumps("z" * size)
    return r
def sized(num, target):
    for size in range(max(0, target - 80), target):
        if hist(num, size).ByteSize() == target: return hist(num, size)
    raise Exception("no record of %d bytes" % target)
offsets, edges = [], []
def write(r): offsets.append(ds.write(r)[0])
r = pb.Record(num=1); r.run.run_id = "pyds"; write(r)
num = 2
for leave in [7, 1, 2, 3, 4, 5, 6]:
    write(hist(num, 40000)); num += 1
    left = 32768 - ds._index % 32768
    write(sized(num, left - 7 - leave)); num += 1
    edges.append([len(offsets), leave])
    write(hist(num, 10)); num += 1
write(hist(num, 100000))
ds.close()
print(json.dumps({"offsets": offsets, "edges": edges}))
`

const noDataStore = !legacyPy
  ? 'no Python with wandb < 0.21 (the legacy DataStore writer): set WBX_LEGACY_PYTHON or create .venv-legacy with `pip install wandb==0.20.1`; CI does'
  : spawnSync(legacyPy.python, ['-c', 'import wandb.sdk.internal.datastore'], { encoding: 'utf8' })
      .status === 0
  ? false
  : `wandb ${legacyPy.version} at ${legacyPy.python} has no wandb.sdk.internal.datastore (removed in 0.21)`

test('records written by the legacy Python DataStore read back, block edges included', {
  skip: noDataStore,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-pyds-'))
  try {
    const path = join(dir, 'run-pyds.wandb')
    const out = JSON.parse(runPython(DATASTORE_SCRIPT, [path], {}, legacyPy!.python))
    const offsets = out.offsets as number[]
    // After a record leaving 7 bytes, the next starts with a zero-length FIRST chunk there;
    // after one leaving 1-6 bytes, those are zero padding and the next starts a block
    // (DataStore returns the offset before the padding; the reader, the chunk's offset).
    const bytes = readFileSync(path)
    for (const [index, leave] of out.edges as [number, number][]) {
      const at = offsets[index]
      if (leave === 7) {
        assert.equal(at % 32768, 32761)
        assert.deepEqual(
          [bytes[at + 4], bytes[at + 5], bytes[at + 6]],
          [0, 0, 2],
          'zero-length FIRST',
        )
      } else {
        assert.equal((at + leave) % 32768, 0)
        assert.deepEqual([...bytes.subarray(at, at + leave)], new Array(leave).fill(0))
        offsets[index] = at + leave
      }
    }
    const { records, report } = await read(path, { readSize: 128 * 1024 })
    assert.deepEqual(records.map((r) => r.offset), offsets)
    assert.deepEqual(records.map((r) => r.num), offsets.map((_, i) => i + 1))
    assert.deepEqual(report.lostRanges, [])
    assert.equal(records[0].type === 'run' && records[0].run.runId, 'pyds')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

/** A real offline run through wandb-core (the current writer) with records spanning blocks. */
const CORE_SCRIPT = `
import sys, wandb
run = wandb.init(mode="offline", dir=sys.argv[1], project="wbx-test", config={"big": "x" * 70000, "lr": 0.1})
for i in range(6):
    run.log({"loss": 1.0 / (i + 1), "blob": "y" * (i * 20000)})
run.summary["best"] = 3
run.finish()
print(run.id)
`

test('an offline run written by wandb-core (python wandb) reads back intact', {
  skip: noPython,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-core-'))
  try {
    const id = runPython(CORE_SCRIPT, [dir], {
      WANDB_MODE: 'offline',
      WANDB_SILENT: 'true',
      WANDB_CONSOLE: 'off',
    }).trim().split('\n').pop()!
    const runDir = readdirSync(join(dir, 'wandb')).find((d) =>
      d.startsWith('offline-run-') && d.endsWith(id)
    )
    assert.ok(runDir, `run folder for ${id}`)
    const path = join(dir, 'wandb', runDir, `run-${id}.wandb`)
    const size = readFileSync(path).length
    assert.ok(size > 3 * 32768, 'the file spans several blocks')
    const { records, report } = await read(path, { readSize: 128 * 1024 })
    assert.deepEqual(report.lostRanges, [])
    assert.deepEqual(report.numGaps, [])
    assert.deepEqual(records.map((r) => r.num), records.map((_, i) => i + 1))
    const header = records[0]
    assert.ok(header.type === 'header' && header.header.producer.startsWith(py!.version))
    const run = records.find((r) => r.type === 'run')
    assert.ok(run?.type === 'run')
    assert.equal(run.run.runId, id)
    const big = run.run.config?.update.find((i) => i.path[0] === 'big')
    assert.equal(big?.valueJson, JSON.stringify('x'.repeat(70000)))
    const rows = records.filter((r) => r.type === 'history')
    assert.equal(rows.length, 6)
    const blobs = rows.map((r) =>
      r.type === 'history' && r.history.items.find((i) => i.path[0] === 'blob')
    )
    assert.deepEqual(blobs.map((b) => b && JSON.parse(b.valueJson).length), [
      0,
      20000,
      40000,
      60000,
      80000,
      100000,
    ])
    const losses = rows.map((r) =>
      r.type === 'history' && r.history.items.find((i) => i.path[0] === 'loss')
    )
    assert.deepEqual(losses.map((l) => l && Number(l.valueJson)), [1, 0.5, 1 / 3, 0.25, 0.2, 1 / 6])
    assert.ok(records.some((r) => r.type === 'exit'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
