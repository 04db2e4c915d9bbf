import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decodeMetric,
  emptyMetric,
  flagFields,
  readAlert,
  readExit,
  readFiles,
  readHeader,
  readOutput,
  readOutputLogger,
  readStats,
} from '../../src/local/decode_messages.ts'
import { ProtoReader } from '../../src/local/protobuf_reader.ts'
import { expectedRuns, recordFields } from './_record_fields.ts'
import { ProtoWriter } from './_proto_writer.ts'

// Record field numbers (wandb_internal.proto).
const FILES = 6
const STATS = 7
const METRIC = 12
const OUTPUT_RAW = 13
const EXIT = 18
const HEADER = 21
const OUTPUT_LOGGER = 27

const runs = expectedRuns()

test('readHeader and readExit give what the SDK reads from every fixture run', () => {
  for (const run of runs) {
    const headers = recordFields(run.wandbFile, HEADER).map((r) => readHeader(r))
    assert.deepEqual(headers, [{
      producer: run.sdkRead.header.producer,
      minConsumer: run.sdkRead.header.min_consumer,
    }])
    const exits = recordFields(run.wandbFile, EXIT).map((r) => readExit(r))
    const sdk = run.sdkRead.exit
    assert.deepEqual(
      exits,
      sdk === null
        ? []
        : [{ exitCode: sdk.exit_code, runtime: sdk.runtime, notComplete: sdk.not_complete }],
      `${run.scenario} part ${run.part}`,
    )
  }
  const crash = runs.find((r) => r.scenario === 'crash')!
  assert.equal(readExit(recordFields(crash.wandbFile, EXIT)[0]).exitCode, 1)
})

test('readFiles lists the saved files the SDK lists, with upload policies', () => {
  for (const run of runs) {
    const files = recordFields(run.wandbFile, FILES).flatMap((r) => readFiles(r).files)
    assert.deepEqual([...new Set(files.map((f) => f.path))], run.sdkRead.files, run.scenario)
    for (const f of files) assert.ok(['now', 'end', 'live'].includes(f.policy))
  }
  const artifacts = runs.find((r) => r.scenario === 'artifacts')!
  assert.deepEqual(recordFields(artifacts.wandbFile, FILES).flatMap((r) => readFiles(r).files), [
    { path: 'requirements.txt', policy: 'now', type: 'wandb' },
    { path: 'notes.txt', policy: 'now', type: 'other' }, // run.save(policy="now")
  ])
  const live = new ProtoWriter().message(
    1,
    (w) => w.string(1, 'ckpt/*.pt').varint(2, 2).varint(3, 3),
  )
    .finish()
  assert.deepEqual(readFiles(new ProtoReader(live)).files, [
    { path: 'ckpt/*.pt', policy: 'live', type: 'artifact' },
  ])
})

test('readOutput rebuilds the console text of each stream; readOutputLogger the logger lines', () => {
  for (const run of runs) {
    const text = { stdout: '', stderr: '' }
    for (const r of recordFields(run.wandbFile, OUTPUT_RAW)) {
      const out = readOutput(r)
      assert.ok(out.timestamp, 'the SDK stamps every chunk')
      text[out.stream] += out.line
    }
    assert.deepEqual(text, run.sdkRead.console, run.scenario)
    assert.deepEqual(
      recordFields(run.wandbFile, OUTPUT_LOGGER).map((r) => readOutputLogger(r)),
      run.sdkRead.output_logger,
    )
  }
})

test('readStats gives each system sample with the values the SDK reads', () => {
  const system = runs.find((r) => r.scenario === 'system')!
  const samples = recordFields(system.wandbFile, STATS).map((r) => readStats(r))
  assert.equal(samples.length, system.sdkRead.system_rows)
  samples.forEach((s, i) => {
    const row = system.sdkRead.system[i]
    assert.ok(s.items.length > 3)
    for (const { key, valueJson } of s.items) {
      assert.equal(JSON.parse(valueJson), row[`system.${key}`], `sample ${i} ${key}`)
    }
    const seconds = Number(s.timestamp!.seconds) + s.timestamp!.nanos / 1e9
    assert.ok(Math.abs(seconds - row._timestamp) < 1e-3)
  })
})

test('decodeMetric reads define_metric as the SDK does; flagFields lists the flags set', () => {
  const scalars = runs.find((r) => r.scenario === 'scalars')!
  const metrics = recordFields(scalars.wandbFile, METRIC).map((r) => decodeMetric(r))
  assert.deepEqual(scalars.sdkRead.metrics, [{
    name: 'loss',
    options: { defined: true },
    summary: { min: true },
  }])
  assert.equal(metrics.length, 1)
  assert.equal(metrics[0].name, 'loss')
  assert.deepEqual(metrics[0].summary, ['min'])
  assert.deepEqual(metrics[0].optionFields, [3], 'options.defined is field 3')
  assert.equal(metrics[0].goal, 'unset')
  // a written record: glob, step metric, hidden, goal maximize, summary max+last
  const bytes = new ProtoWriter()
    .string(2, 'val/*')
    .string(4, 'epoch')
    .message(6, (w) => w.bool(2, true))
    .message(7, (w) => w.bool(2, true).bool(5, true).bool(3, false))
    .varint(8, 2)
    .finish()
  assert.deepEqual(decodeMetric(new ProtoReader(bytes)), {
    ...emptyMetric(''),
    globName: 'val/*',
    stepMetric: 'epoch',
    hidden: true,
    optionFields: [2],
    summary: ['max', 'last'],
    summaryFields: [2, 5],
    goal: 'maximize',
  })
  const flags = new ProtoWriter().message(1, (w) => w.bool(4, true).bool(1, true).bool(2, false))
    .finish()
  const r = new ProtoReader(flags)
  r.tag()
  assert.deepEqual(flagFields(r), [1, 4])
})

test('readAlert reads title, text and level', () => {
  const bytes = new ProtoWriter().string(1, 'loss spiked').string(2, 'loss > 10').string(3, 'WARN')
    .varint(4, 60).finish()
  assert.deepEqual(readAlert(new ProtoReader(bytes)), {
    title: 'loss spiked',
    text: 'loss > 10',
    level: 'WARN',
  })
})
