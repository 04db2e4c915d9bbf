import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeRun, readTelemetry } from '../../src/local/decode_run.ts'
import { ProtoReader } from '../../src/local/protobuf_reader.ts'
import { expectedRuns, recordFields } from './_record_fields.ts'
import { ProtoWriter } from './_proto_writer.ts'

// Record field numbers (wandb_internal.proto).
const RUN = 17
const TELEMETRY = 11

const runs = expectedRuns()

test('decodeRun reads every run record of every fixture as the SDK does', () => {
  let records = 0
  for (const run of runs) {
    const decoded = recordFields(run.wandbFile, RUN).map((r) => decodeRun(r))
    const sdk = run.sdkRead.runs
    assert.equal(decoded.length, sdk.length, `${run.scenario} part ${run.part}`)
    decoded.forEach((d, i) => {
      const want = sdk[i]
      const where = `${run.scenario} part ${run.part} record ${i}`
      assert.deepEqual(
        {
          run_id: d.runId,
          entity: d.entity,
          project: d.project,
          display_name: d.displayName,
          notes: d.notes,
          tags: d.tags,
          run_group: d.runGroup,
          job_type: d.jobType,
          host: d.host,
          starting_step: d.startingStep ?? 0,
          resumed: d.resumed,
          resume: d.resume,
          runtime: d.runtime ?? 0,
          config_keys: d.config?.update.map((item) => item.path) ?? [],
          summary_items: d.summary?.update.length ?? 0,
          telemetry_cli_version: d.telemetry?.cliVersion ?? '',
        },
        {
          run_id: want.run_id,
          entity: want.entity,
          project: want.project,
          display_name: want.display_name,
          notes: want.notes,
          tags: want.tags,
          run_group: want.run_group,
          job_type: want.job_type,
          host: want.host,
          starting_step: want.starting_step,
          resumed: want.resumed,
          resume: want.resume,
          runtime: want.runtime,
          config_keys: want.config_keys,
          summary_items: want.summary_items,
          telemetry_cli_version: want.telemetry_cli_version,
        },
        where,
      )
      const start = d.startTime!.seconds + d.startTime!.nanos / 1e9
      assert.ok(Math.abs(start - want.start_time) < 1e-6, where)
      records++
    })
  }
  assert.ok(records >= runs.length)
  const config = runs.find((r) => r.scenario === 'config_summary')!
  const first = decodeRun(recordFields(config.wandbFile, RUN)[0])
  assert.equal(first.displayName, 'wbx config run')
  assert.deepEqual(first.tags, ['wbx', 'fixture', 'ünï'])
})

test('a resumed run part carries resumed and its starting step', () => {
  const parts = runs.filter((r) => r.scenario === 'resumed')
  assert.equal(parts.length, 3)
  const later = decodeRun(recordFields(parts[2].wandbFile, RUN)[0])
  assert.equal(later.runId, 'wbxresumed')
  assert.equal(later.startingStep ?? 0, parts[2].sdkRead.runs[0].starting_step)
})

test('readTelemetry reads the versions and the _wandb.t encoding of the SDK telemetry', () => {
  for (const run of runs) {
    for (const r of recordFields(run.wandbFile, TELEMETRY)) {
      const t = readTelemetry(r)
      if (!t.cliVersion) continue // later telemetry records carry only new flags
      assert.equal(t.cliVersion, '0.31.0')
      assert.equal(t.pythonVersion, '3.11.7')
      assert.equal(typeof t.coreVersion, 'string')
      assert.equal(t.dict?.[5], '0.31.0', '_wandb.t keeps cli_version under its field number')
    }
  }
  // a written record: flags under their field numbers (merged), labels as a map, strings
  const bytes = new ProtoWriter()
    .string(4, '3.12.1')
    .message(3, (w) => w.bool(7, true))
    .message(3, (w) => w.bool(2, true))
    .message(9, (w) => w.string(1, 'code-id').string(2, ''))
    .string(13, 'linux')
    .varint(7, 5)
    .finish()
  assert.deepEqual(readTelemetry(new ProtoReader(bytes)), {
    pythonVersion: '3.12.1',
    cliVersion: '',
    coreVersion: '',
    dict: { 3: [2, 7], 4: '3.12.1', 9: { 1: 'code-id' }, 13: 'linux' },
  })
})
