import { test } from 'node:test'
import assert from 'node:assert/strict'
import { emptyDamageReport } from '../../src/local/damage_report.ts'
import {
  collectMetadata,
  LISTING_TYPES,
  METADATA_TYPES,
  MetadataCollector,
  MINIMAL_TYPES,
} from '../../src/local/run_metadata.ts'
import { expectedRuns } from './_record_fields.ts'

/** Values as the expected files encode them: NaN and ±Infinity as strings. */
function encoded(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'
    }
    return v
  }))
}

/**
 * The expected files keep integers beyond 2^53 as `{$bigint}`; wbx reads summary values as JSON
 * numbers (doubles), so they compare as the nearest double.
 */
function asDoubles(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value),
    (_k, v) => (v && typeof v === 'object' && '$bigint' in v ? Number(v.$bigint) : v),
  )
}

/** Drops `_wandb` from a config or summary. */
function withoutWandb(row: Record<string, unknown>): Record<string, unknown> {
  const { _wandb: _, ...rest } = row
  return rest
}

async function collect(file: string, types = METADATA_TYPES): Promise<MetadataCollector> {
  return await collectMetadata([file], [emptyDamageReport(file)], new MetadataCollector(), {
    types,
  })
}

test('collectMetadata gives each fixture run the fields, counts, summary and config the SDK reads', async () => {
  for (const run of expectedRuns()) {
    const where = `${run.scenario} part ${run.part}`
    const sdk = run.sdkRead
    const c = await collect(run.wandbFile)
    const last = sdk.runs.at(-1)
    assert.equal(c.fields?.id, last.run_id, where)
    assert.equal(c.fields?.project, last.project, where)
    assert.equal(c.fields?.displayName, last.display_name, where)
    assert.equal(c.fields?.notes, last.notes, where)
    assert.deepEqual(c.fields?.tags, last.tags, where)
    assert.equal(c.fields?.group, last.run_group, where)
    assert.equal(c.fields?.jobType, last.job_type, where)
    assert.equal(c.historyRows, sdk.history.length, where)
    assert.equal(c.systemRows, sdk.system_rows, where)
    assert.equal(c.producer, sdk.header.producer, where)
    assert.equal(c.cliVersion, '0.31.0', where)
    assert.equal(c.segments.length, 1)
    const exit = c.segments[0].exit
    assert.deepEqual(
      exit
        ? { exit_code: exit.exitCode, runtime: exit.runtime, not_complete: exit.notComplete }
        : null,
      sdk.exit,
      where,
    )
    assert.deepEqual(encoded(c.summary.result()), asDoubles(sdk.summary), `${where}: summary`)
    assert.deepEqual(
      encoded(withoutWandb(c.config.config())),
      withoutWandb(sdk.config_merged),
      `${where}: config`,
    )
    assert.deepEqual([...c.files.keys()], sdk.files, `${where}: files`)
  }
})

test('the minimal and listing passes skip per-step records but keep the run identity', async () => {
  const system = expectedRuns().find((r) => r.scenario === 'system')!
  assert.ok(!MINIMAL_TYPES.has('history') && !MINIMAL_TYPES.has('stats'))
  assert.ok(!MINIMAL_TYPES.has('summary') && MINIMAL_TYPES.has('run'))
  assert.deepEqual([...LISTING_TYPES].sort(), ['exit', 'header', 'preempting', 'run'])
  const minimal = await collect(system.wandbFile, MINIMAL_TYPES)
  assert.equal(minimal.fields?.id, 'wbxsystem')
  assert.equal(minimal.historyRows, 0)
  assert.equal(minimal.systemRows, 0)
  assert.deepEqual(minimal.summary.result(), {})
  assert.equal(minimal.segments[0].exit?.runtime, 3)
  const listing = await collect(system.wandbFile, LISTING_TYPES)
  assert.equal(listing.fields?.id, 'wbxsystem')
  assert.equal(listing.files.size, 0)
})

test('the three files of a resumed run are read as one run, in order', async () => {
  const parts = expectedRuns().filter((r) => r.scenario === 'resumed')
  const files = parts.map((p) => p.wandbFile)
  const c = await collectMetadata(files, files.map(emptyDamageReport), new MetadataCollector())
  assert.equal(c.segments.length, 3)
  assert.equal(c.fields?.id, 'wbxresumed')
  assert.equal(c.historyRows, parts.reduce((n, p) => n + p.sdkRead.history.length, 0))
  // the last file's summary wins key by key; keys only earlier files set are kept
  const summary = encoded(c.summary.result()) as Record<string, unknown>
  for (const [key, value] of Object.entries(parts[2].sdkRead.summary)) {
    assert.deepEqual(summary[key], value, key)
  }
  const earlier = Object.keys(summary).filter((k) => !(k in parts[2].sdkRead.summary))
  for (const key of earlier) {
    assert.ok(
      parts.slice(0, 2).some((p) => key in p.sdkRead.summary),
      `${key} came from an earlier file`,
    )
  }
})
