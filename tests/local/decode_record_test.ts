import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { decodeRecord, peekRecordType } from '../../src/local/decode_record.ts'
import { ProtobufDecodeError } from '../../src/local/errors.ts'
import { framePayloads } from '../../src/local/log_reader.ts'
import { KeyCache } from '../../src/local/key_cache.ts'
import { ProtoReader } from '../../src/local/protobuf_reader.ts'
import type { WandbRecord } from '../../src/local/record_types.ts'
import { historyRecord, ProtoWriter, record } from './_proto_writer.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'

const skip = skipWithoutSharedFixtures
const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16))

/** Decodes every record of a shared fixture file. */
function decodeFixture(relative: string): WandbRecord[] {
  return framePayloads(readFileSync(sharedFixture(relative))).map((f) =>
    decodeRecord(f.payload, f.offset)
  )
}

function only<T extends WandbRecord['type']>(recs: WandbRecord[], type: T) {
  return recs.filter((r) => r.type === type) as Extract<WandbRecord, { type: T }>[]
}

const LEET = 'wandb-leet-fixtures/wandb/'

test('the 2021 legacy run decodes to the documented records', { skip }, () => {
  const recs = decodeFixture('wandb-offline-run-2021/run-g9dvvkua.wandb')
  assert.deepEqual(recs.map((r) => r.type), [
    'header',
    'run',
    'files',
    'artifact',
    'telemetry',
    'exit',
    'stats',
    'summary',
    'final',
    'footer',
  ])
  assert.ok(recs.every((r) => r.num === 0))
  const [header, run, files, artifact, telemetry, exit, stats, summary] = recs
  assert.deepEqual(header, {
    type: 'header',
    header: { producer: '', minConsumer: '' },
    num: 0,
    offset: 7,
  })
  assert.equal(run.type, 'run')
  if (run.type !== 'run') return
  assert.equal(run.offset, 17)
  assert.equal(run.run.runId, 'g9dvvkua')
  assert.equal(run.run.project, 'code-toad')
  assert.equal(run.run.host, 'cvp')
  assert.equal(run.run.entity, '')
  assert.equal(run.run.displayName, '')
  assert.deepEqual(run.run.startTime, { seconds: 1613519047, nanos: 0 })
  assert.deepEqual(run.run.config?.update, [
    { path: ['_wandb'], valueJson: '{"code_path": "code/standalone_tests/code-toad.py"}' },
  ])
  assert.deepEqual(run.run.telemetry, {
    pythonVersion: '3.7.5',
    cliVersion: '0.10.20.dev1',
    coreVersion: '',
    dict: { 4: '3.7.5', 5: '0.10.20.dev1' },
  })
  assert.deepEqual(files.type === 'files' && files.files.files.map((f) => [f.path, f.policy]), [
    ['wandb-metadata.json', 'now'],
    ['code/standalone_tests/code-toad.py', 'now'],
    ['diff.patch', 'now'],
    ['upstream_diff_78c43d0cc7146adb88cef2fcca4ec244a2d6a162.patch', 'now'],
  ])
  assert.equal(artifact.type, 'artifact')
  if (artifact.type !== 'artifact') return
  const a = artifact.artifact
  assert.deepEqual([a.name, a.type, a.entity, a.digest, a.aliases, a.finalize], [
    'source-g9dvvkua',
    'code',
    'vanpelt',
    'cc557740a90e40c5090544b6592d2aa3',
    ['latest'],
    true,
  ])
  assert.equal(a.manifest?.version, 1)
  assert.equal(a.manifest?.storagePolicy, 'wandb-storage-policy-v1')
  assert.deepEqual(a.manifest?.storagePolicyConfig, { storageLayout: '"V2"' })
  assert.equal(a.manifest?.contents.length, 54)
  const first = a.manifest?.contents[0]
  assert.deepEqual([first?.path, first?.digest, first?.size], [
    'all_media_types.py',
    'Pw4n8m1tHNFiJGNAZ2XlQw==',
    8170,
  ])
  assert.deepEqual(telemetry.type === 'telemetry' && telemetry.telemetry.cliVersion, '0.10.20.dev1')
  assert.deepEqual(exit, {
    type: 'exit',
    exit: { exitCode: 0, runtime: 0, notComplete: false },
    num: 0,
    offset: 7589,
  })
  assert.equal(stats.type, 'stats')
  if (stats.type !== 'stats') return
  assert.deepEqual(stats.stats.timestamp, { seconds: 1613519052, nanos: 246828000 })
  assert.deepEqual(Object.fromEntries(stats.stats.items.map((i) => [i.key, i.valueJson])), {
    'cpu': '24.3',
    'memory': '49.55',
    'network': '{"sent": 260096, "recv": 100352}',
    'disk': '7.6',
    'proc.memory.availableMB': '33050.88',
    'proc.memory.rssMB': '277.58',
    'proc.memory.percent': '0.42',
    'proc.cpu.threads': '16.5',
  })
  assert.deepEqual(summary, {
    type: 'summary',
    summary: { update: [], remove: [] },
    num: 0,
    offset: 7839,
  })
})

test(
  'compat logs: steps, nested vs flat keys, resume fields and odd _step values',
  { skip },
  () => {
    const dir = 'wandb-compat-logs-synthesized/offline-run-'
    const hist = (name: string) => only(decodeFixture(`${dir}${name}/run-${name}.wandb`), 'history')
    const sorted = (h: { history: { items: { path: string[]; valueJson: string }[] } }) =>
      h.history.items.map((i) => `${i.path.join('.')}=${i.valueJson}`).sort()
    const auto = hist('old_auto_steps')
    assert.deepEqual(auto.map((h) => h.history.step), [0, 1, 2])
    assert.deepEqual(auto.map(sorted), [0, 1, 2].map((s) => [`_step=${s}`, `x=${s}`]))
    assert.deepEqual(
      hist('old_auto_steps_flat_keys').map(sorted),
      [0, 1, 2].map((s) => [`_step=${s}`, `x=${s}`]),
    )
    assert.deepEqual(hist('old_explicit_steps').map((h) => h.history.step), [0, 5, 10])
    assert.deepEqual(hist('new_auto_steps').map((h) => 'step' in h.history), [false, false, false])
    assert.deepEqual(hist('new_explicit_steps').map((h) => h.history.step), [0, 5, 10])
    assert.deepEqual(
      hist('old_bad_step_types').map((h) => h.history.items[0].valueJson),
      ['"5"', '5.5', 'null', 'true', '{"a":1}', '[1]'],
    )
    const run = (name: string) =>
      only(decodeFixture(`${dir}${name}/run-${name}.wandb`), 'run')[0].run
    assert.deepEqual([run('old_resumed_run').startingStep, run('old_resumed_run').resumed], [
      5,
      true,
    ])
    assert.equal(run('new_resume_mode').resume, true)
    assert.equal(run('new_shared_mode').sharedMode, true)
    assert.equal(run('old_auto_steps').sharedMode, false)
    const summary = only(decodeFixture(`${dir}old_no_history/run-old_no_history.wandb`), 'summary')
    assert.deepEqual(summary[0].summary.update, [{ path: ['score'], valueJson: '1.0' }])
  },
)

test(
  'LEET single-tiny: environment (protojson), console, history step presence, exit',
  { skip },
  () => {
    const recs = decodeFixture(
      `${LEET}single-tiny/wandb/run-20260102_030405-tiny0001/run-tiny0001.wandb`,
    )
    assert.equal(recs.length, 74)
    const env = only(recs, 'environment')[0]
    assert.deepEqual(env.environment, {
      os: 'Linux-6.1.0-fixture-x86_64-with-glibc2.36',
      python: '3.11.9',
      startedAt: '2026-01-02T03:04:05Z',
      program: 'train.py',
      host: 'fixture-host',
      username: 'fixture-user',
      executable: '/usr/bin/python3',
      cpu_count: 8,
      cpu_count_logical: 16,
      gpu: 'NVIDIA FixtureRTX 4090',
      gpu_count: 1,
      writerId: 'fixturegen',
    })
    const out = only(recs, 'output_raw')
    assert.equal(out.length, 20)
    assert.deepEqual(out[0].output, {
      stream: 'stdout',
      timestamp: { seconds: 1767323045, nanos: 0 },
      line: 'Starting training run tiny0001\n',
    })
    assert.ok(out.some((o) => o.output.line.includes('\x1b[32mINFO')))
    const hist = only(recs, 'history')
    assert.equal(hist.length, 50)
    assert.equal(hist[0].history.step, 0, 'present-but-empty step message = step 0')
    assert.deepEqual(hist.map((h) => h.history.step), Array.from({ length: 50 }, (_, i) => i))
    assert.deepEqual(hist[0].history.items.map((i) => i.path[0]), [
      '_step',
      '_timestamp',
      'eval/step_fn',
      'train/loss',
      'train/sine',
    ])
    assert.deepEqual(only(recs, 'exit')[0].exit, { exitCode: 0, runtime: 300, notComplete: false })
    const run = only(recs, 'run')[0].run
    assert.deepEqual(run.config?.update.map((i) => [i.path[0], i.valueJson]), [
      ['batch_size', '32'],
      ['epochs', '5'],
      ['lr', '0.001'],
      ['optimizer', '"adam"'],
      ['seed', '1234'],
    ])
  },
)

test(
  'LEET edge cases: NaN/Infinity text, unicode keys, media leaves, crash exit code',
  { skip },
  () => {
    const nan = only(
      decodeFixture(`${LEET}edge-nan-inf/wandb/run-20260102_030405-nanedge1/run-nanedge1.wandb`),
      'history',
    )
    const edge = nan.slice(1, 4).map((h) =>
      h.history.items.find((i) => i.path[0] === 'edge/nan_inf')?.valueJson
    )
    assert.deepEqual(edge, ['NaN', 'Infinity', '-Infinity'])
    const uni = decodeFixture(
      `${LEET}edge-unicode/wandb/run-20260102_030405-uni00001/run-uni00001.wandb`,
    )
    const keys = only(uni, 'history')[0].history.items.map((i) => i.path[0])
    assert.deepEqual(keys.sort(), ['_step', 'emoji/🚀speed', '损失/loss'].sort())
    const config = only(uni, 'run')[0].run.config?.update.map((i) =>
      [i.path[0], i.valueJson] as const
    )
    assert.deepEqual(new Map(config), new Map([['描述', '"值"'], ['模型/名字', '"变形金刚🤖"']]))
    const media = only(
      decodeFixture(`${LEET}media/wandb/run-20260102_030405-media001/run-media001.wandb`),
      'history',
    )
    const samples = media[0].history.items.filter((i) => i.path[0] === 'samples')
    assert.ok(samples.every((i) => i.path.length === 2))
    const byLeaf = Object.fromEntries(samples.map((i) => [i.path[1], i.valueJson]))
    assert.equal(byLeaf._type, '"image-file"')
    assert.equal(byLeaf.path, '"media/images/samples_0_65998250.png"')
    assert.deepEqual([byLeaf.width, byLeaf.height, byLeaf.size], ['32', '24', '2396'])
    const crash = decodeFixture(
      `${LEET}workspace-multi/wandb/run-20260102_030305-wm4crash/run-wm4crash.wandb`,
    )
    assert.deepEqual(only(crash, 'exit')[0].exit, { exitCode: 1, runtime: 18, notComplete: false })
    assert.deepEqual(only(crash, 'run')[0].run.tags, ['crash-test'])
  },
)

test('environment with maps, 64-bit sizes, repeated GPUs renders like protojson (Python vector)', () => {
  const payload = hex(
    '082ad201c5010a054c696e75781204332e31321a0b08a5ebdcca0610c0a9d33a2a042d2d6c722a03302e314a160a0f68747470733a2f2f782f792e6769741203616263800104980102a2010b0a052f6461746112020807a201110a012f120c088180808080808080101005aa010708808080808020ba010a0a024d33388080808040c201180a04483130301080808080c002188084012a054750552d31c201060a0448313030da010e0a095f5f70726f746f5f5f120178da010c0a066a6f625f696412023737ba0c027731',
  )
  const rec = decodeRecord(payload)
  assert.equal(rec.type, 'environment')
  assert.equal(rec.num, 42)
  if (rec.type !== 'environment') return
  const expected = JSON.parse(
    '{"os": "Linux", "python": "3.12", "startedAt": "2026-01-02T03:04:05.123Z", "args": ["--lr", "0.1"], "git": {"remote": "https://x/y.git", "commit": "abc"}, "cpu_count": 4, "gpu_count": 2, "disk": {"/": {"total": "1152921504606846977", "used": "5"}, "/data": {"total": "7"}}, "memory": {"total": "1099511627776"}, "apple": {"name": "M3", "ramTotalBytes": "17179869184"}, "gpu_nvidia": [{"name": "H100", "memoryTotal": "85899345920", "cudaCores": 16896, "uuid": "GPU-1"}, {"name": "H100"}], "slurm": {"job_id": "77", "__proto__": "x"}, "writerId": "w1"}',
  )
  assert.deepEqual(rec.environment, expected)
  const slurm = rec.environment.slurm as Record<string, string>
  assert.equal(Object.getPrototypeOf(slurm), Object.prototype)
  assert.deepEqual(Object.keys(slurm).sort(), ['__proto__', 'job_id'])
})

test('field 26 from SDK 0.16.5-0.16.6 (launch config parameters) is not taken for an environment', () => {
  const launch = record((w) =>
    w.message(26, (l) => l.message(1, (p) => p.string(1, 'lr').string(1, 'x')))
  )
  assert.deepEqual(decodeRecord(launch), { type: 'other', field: 26, num: 0, offset: 0 })
})

test('typed history values (SDK 0.31 value oneof) become JSON text; value_json wins (Python vector)', () => {
  const rec = decodeRecord(
    hex(
      '08808080808080808010127a0a050a016e18000a050a016220010a0e0a016928858080808080808080010a0c0a016631000000000000f83f0a0e0a036e616e31000000000000f87f0a0e0a03696e6631000000000000f0ff0a0a0a01743a05612262c3a90a0e0a016a42097b2278223a5b315d7d0a0c0a04626f746828088201013312020807',
    ),
  )
  assert.equal(rec.num, 2 ** 60)
  assert.equal(rec.type, 'history')
  if (rec.type !== 'history') return
  assert.equal(rec.history.step, 7)
  assert.deepEqual(rec.history.items.map((i) => [i.path[0], i.valueJson]), [
    ['n', 'null'],
    ['b', 'true'],
    ['i', '-4611686018427387907'],
    ['f', '1.5'],
    ['nan', 'NaN'],
    ['inf', '-Infinity'],
    ['t', '"a\\"bé"'],
    ['j', '{"x":[1]}'],
    ['both', '3'],
  ])
})

test('other record kinds decode from Python-encoded vectors', () => {
  assert.deepEqual(decodeRecord(hex('080392010d08ffffffffffffffffff01100c')), {
    type: 'exit',
    exit: { exitCode: -1, runtime: 12, notComplete: false },
    num: 3,
    offset: 0,
  })
  assert.deepEqual(decodeRecord(hex('0805a206041a020801')), {
    type: 'other',
    field: 100,
    num: 5,
    offset: 0,
  })
  assert.deepEqual(decodeRecord(hex('4a050a032f7462')), {
    type: 'other',
    field: 9,
    num: 0,
    offset: 0,
  })
  const metric = decodeRecord(hex('62180a03616363220565706f6368320210013a04100128014002'))
  assert.deepEqual(metric.type === 'metric' && metric.metric, {
    name: 'acc',
    globName: '',
    stepMetric: 'epoch',
    hidden: true,
    summary: ['max', 'last'],
    goal: 'maximize',
    stepMetricIndex: 0,
    optionFields: [2],
    summaryFields: [2, 5],
    overwrite: false,
    expandedFromGlob: false,
  })
  const out = decodeRecord(hex('6a0a120208051a046572720a'))
  assert.deepEqual(out.type === 'output_raw' && out.output, {
    stream: 'stderr',
    timestamp: { seconds: 5, nanos: 0 },
    line: 'err\n',
  })
  const use = decodeRecord(
    hex('ca011e0a0451584a301207646174617365741a086d6e6973743a763122030a016a'),
  )
  assert.deepEqual(use.type === 'use_artifact' && use.useArtifact, {
    id: 'QXJ0',
    type: 'dataset',
    name: 'mnist:v1',
  })
  assert.deepEqual(decodeRecord(hex('da01070a0568656c6c6f')), {
    type: 'output_logger',
    line: 'hello',
    num: 0,
    offset: 0,
  })
  const alert = decodeRecord(hex('520e0a01541201581a045741524e2003'))
  assert.deepEqual(alert.type === 'alert' && alert.alert, { title: 'T', text: 'X', level: 'WARN' })
  const run = decodeRecord(hex(
    '8a01530a0361626322110a0a1201611201628201013212030a017a2a090a070a017382010131520161520162700aa0011eaa01060a0175120163b00101ba01130a01701100000000000004401a055f73746570c00101',
  ))
  assert.equal(run.type, 'run')
  if (run.type !== 'run') return
  assert.deepEqual(run.run.config, {
    update: [{ path: ['a', 'b'], valueJson: '2' }],
    remove: [{ path: ['z'], valueJson: '' }],
  })
  assert.deepEqual(run.run.summary, { update: [{ path: ['s'], valueJson: '1' }], remove: [] })
  assert.deepEqual(run.run.tags, ['a', 'b'])
  assert.deepEqual(run.run.git, { remoteUrl: 'u', commit: 'c' })
  assert.deepEqual(run.run.branchPoint, { run: 'p', value: 2.5, metric: '_step' })
  assert.deepEqual([run.run.startingStep, run.run.runtime, run.run.forked, run.run.resume], [
    10,
    30,
    true,
    true,
  ])
})

test('unknown fields of every wire type are skipped; an unknown oneof member is other', () => {
  const payload = record((w) => {
    w.varint(1, 9)
    w.fixed32(300, 7).double(301, 1.5).varint(302, 1).string(303, 'x')
    w.message(2, (h) => {
      h.message(1, (i) => i.string(1, 'k').varint(50, 3).fixed32(51, 1).string(16, '1'))
      h.message(99, (x) => x.string(1, 'ignored'))
    })
    w.message(200, (info) => info.string(1, 'stream'))
  })
  assert.deepEqual(decodeRecord(payload, 123), {
    type: 'history',
    history: { items: [{ path: ['k'], valueJson: '1' }] },
    num: 9,
    offset: 123,
  })
  assert.deepEqual(
    decodeRecord(record((w) => w.varint(1, 4).message(28, (x) => x.string(1, 'new')))),
    {
      type: 'other',
      field: 28,
      num: 4,
      offset: 0,
    },
  )
  assert.deepEqual(decodeRecord(record((w) => w.varint(1, 4))), {
    type: 'other',
    field: 0,
    num: 4,
    offset: 0,
  })
  assert.deepEqual(decodeRecord(record((w) => w.message(24))), {
    type: 'other',
    field: 24,
    num: 0,
    offset: 0,
  })
})

test('malformed payloads throw ProtobufDecodeError: groups, truncation, overlong lengths', () => {
  const group = record((w) => w.tag(5, 3).tag(5, 4))
  assert.throws(
    () => decodeRecord(group),
    (e: unknown) => e instanceof ProtobufDecodeError && /group/.test(e.message),
  )
  const full = historyRecord(1, [['loss', '0.5']], 3)
  // Cutting after the 2-byte num field leaves a valid record; any cut inside the history field fails.
  for (let cut = 3; cut < full.length; cut++) {
    assert.throws(() => decodeRecord(full.subarray(0, cut)), ProtobufDecodeError, `cut at ${cut}`)
  }
  assert.throws(() => decodeRecord(Uint8Array.of(0x12, 0x05, 0x0a)), /runs past the end/)
  assert.throws(
    () =>
      decodeRecord(
        Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
      ),
    /longer than 10 bytes/,
  )
})

test('peekRecordType names the oneof field without decoding, wherever num is', { skip }, () => {
  const framed = framePayloads(
    readFileSync(sharedFixture('wandb-offline-run-2021/run-g9dvvkua.wandb')),
  )
  assert.deepEqual(framed.map((f) => peekRecordType(f.payload)), [
    21,
    17,
    6,
    8,
    11,
    18,
    7,
    3,
    20,
    22,
  ])
  const numLast = record((w) => w.message(7).varint(1, 12))
  assert.equal(peekRecordType(numLast), 7)
  assert.equal(decodeRecord(numLast).num, 12)
  assert.equal(peekRecordType(new Uint8Array(0)), 0)
})

test('ProtoReader reads 64-bit varints exactly as text and approximately as numbers', () => {
  const w = new ProtoWriter()
  w.rawVarint(2n ** 64n - 1n).rawVarint(2n ** 63n - 1n).rawVarint(-(2n ** 63n)).rawVarint(-1)
    .rawVarint(2 ** 53)
  const r = new ProtoReader(w.finish())
  assert.equal(r.uint64String(), '18446744073709551615')
  assert.equal(r.int64String(), '9223372036854775807')
  assert.equal(r.int64String(), '-9223372036854775808')
  assert.equal(r.int64(), -1)
  assert.equal(r.uint64(), 2 ** 53)
  assert.equal(r.pos, r.end)
  const z = new ProtoWriter().sint64(1, -(2n ** 63n)).sint64(1, 2n ** 63n - 1n).sint64(1, -1n)
    .finish()
  const zr = new ProtoReader(z)
  const values: string[] = []
  while (zr.pos < zr.end) {
    zr.tag()
    values.push(zr.sint64String())
  }
  assert.deepEqual(values, ['-9223372036854775808', '9223372036854775807', '-1'])
})

test('KeyCache interns keys as shared strings and frozen paths, and stays bounded', () => {
  const enc = (t: string) => new TextEncoder().encode(t)
  const cache = new KeyCache(2)
  const a1 = enc('train/loss')
  const a2 = enc('xxtrain/loss').subarray(2)
  assert.equal(cache.text(a1, 0, a1.length), 'train/loss')
  const p1 = cache.path(a1, 0, a1.length)
  assert.equal(cache.path(a2, 0, a2.length), p1, 'the same path array is shared')
  assert.ok(Object.isFrozen(p1))
  assert.throws(() => p1.push('x'), TypeError)
  assert.deepEqual(cache.path(enc('模型'), 0, 6), ['模型'])
  const beyond = cache.path(enc('third'), 0, 5)
  assert.deepEqual(beyond, ['third'])
  assert.notEqual(cache.path(enc('third'), 0, 5), beyond, 'a full cache decodes without storing')
  assert.ok(!Object.isFrozen(beyond))
  const long = enc('k'.repeat(100))
  assert.equal(cache.text(long, 0, 100), 'k'.repeat(100))
})

test('decoded history items share interned paths across records', () => {
  const a = decodeRecord(historyRecord(1, [[['loss'], '1'], ['acc', '2']]))
  const b = decodeRecord(historyRecord(2, [[['loss'], '3'], ['acc', '4'], [['a', 'b'], '5']]))
  assert.ok(a.type === 'history' && b.type === 'history')
  assert.equal(a.history.items[0].path, b.history.items[0].path)
  assert.equal(a.history.items[1].path, b.history.items[1].path)
  assert.deepEqual(b.history.items[2].path, ['a', 'b'])
})

test('LEET system-stats and workspace runs: 60 samples of 15 keys, notes, tags, added metrics', {
  skip,
}, () => {
  const sys = decodeFixture(
    `${LEET}system-stats/wandb/run-20260102_030405-sysstats1/run-sysstats1.wandb`,
  )
  const stats = only(sys, 'stats')
  assert.equal(stats.length, 60)
  assert.deepEqual(
    stats.map((s) => s.stats.timestamp?.seconds),
    Array.from({ length: 60 }, (_, i) => 1767323045 + 2 * i),
  )
  assert.ok(stats.every((s) => s.stats.items.length === 15))
  assert.deepEqual(stats[0].stats.items.map((i) => i.key).sort(), [
    'cpu',
    'cpu.0.cpu_percent',
    'cpu.1.cpu_percent',
    'cpu/l:trainer',
    'disk./.usagePercent',
    'disk.in',
    'disk.out',
    'gpu.0.gpu',
    'gpu.0.gpu/l:trainer',
    'gpu.0.memoryAllocated',
    'gpu.0.powerWatts',
    'gpu.0.temp',
    'memory_percent',
    'network.recv',
    'network.sent',
  ])
  assert.equal(stats[0].stats.items.find((i) => i.key === 'network.recv')?.valueJson, '1e+06')
  assert.deepEqual(only(sys, 'exit')[0].exit.runtime, 120)
  const media = decodeFixture(`${LEET}media/wandb/run-20260102_030405-media001/run-media001.wandb`)
  const gallery = only(media, 'history')[0].history.items.filter((i) => i.path[0] === 'gallery')
  const leaf = Object.fromEntries(gallery.map((i) => [i.path[1], i.valueJson]))
  assert.equal(leaf._type, '"images/separated"')
  assert.equal(leaf.count, '2')
  assert.equal(JSON.parse(leaf.filenames).length, 2)
  const ws = (id: string, stamp: string) =>
    decodeFixture(`${LEET}workspace-multi/wandb/run-20260102_${stamp}-${id}/run-${id}.wandb`)
  const notes = ws('wm2notes', '030105')
  assert.equal(
    only(notes, 'run')[0].run.notes,
    'Fixture run with notes: baseline comparison for leet.',
  )
  assert.ok(
    only(notes, 'history').some((h) => h.history.items.some((i) => i.path[0] === 'eval/bleu')),
  )
  assert.deepEqual(only(ws('wm5best', '030405'), 'run')[0].run.tags, ['baseline', 'best'])
  const crash = ws('wm4crash', '030305')
  assert.ok(
    only(crash, 'history').some((h) => h.history.items.some((i) => i.path[0] === 'sys/throughput')),
  )
  assert.equal(only(ws('wm3live', '030205'), 'exit').length, 0)
  const uni = decodeFixture(
    `${LEET}edge-unicode/wandb/run-20260102_030405-uni00001/run-uni00001.wandb`,
  )
  const run = only(uni, 'run')[0].run
  assert.equal(run.displayName, '日本語ラン 🚀 家族👨‍👩‍👧‍👦')
  assert.deepEqual(run.tags, ['标签', '🏷️tag', 'ラベル', 'café'])
})

test('decodeRecord and peekRecordType read the same walk: last decodable body, known other, first unknown', () => {
  const history = (w: ProtoWriter) => w.message(2, (h) => h.message(1, (i) => i.string(1, 'a')))
  // A decodable body, then a known field that decodes to `other` (tbrecord, 9).
  const both = record((w) => (w.varint(1, 4), history(w), w.message(9)))
  assert.equal(decodeRecord(both).type, 'history')
  assert.equal(decodeRecord(both).num, 4)
  assert.equal(peekRecordType(both), 9)
  // Unknown numbers only: the first one names the record.
  const unknown = record((w) => w.message(50).message(60))
  assert.deepEqual({ ...decodeRecord(unknown) }, { type: 'other', field: 50, num: 0, offset: 0 })
  assert.equal(peekRecordType(unknown), 50)
  // A known `other` field wins over an earlier unknown one.
  const known = record((w) => w.message(50).message(24))
  assert.deepEqual({ ...decodeRecord(known) }, { type: 'other', field: 24, num: 0, offset: 0 })
  assert.equal(peekRecordType(known), 24)
  // Meta fields (control 16, uuid 19) never name the record.
  const meta = record((w) => w.message(16).string(19, 'u'))
  assert.equal(decodeRecord(meta).type, 'other')
  assert.equal(peekRecordType(meta), 0)
})
