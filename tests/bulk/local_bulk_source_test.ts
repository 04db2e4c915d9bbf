import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { LocalBulkSource } from '../../src/bulk/local_bulk_source.ts'
import { LocalRuns } from '../../src/local/local_runs.ts'
import type { Row } from '../../src/row.ts'
import { ownFixturesDir } from '../_fixtures.ts'

const WANDB = join(ownFixturesDir, 'runs', 'wandb')
const signal = new AbortController().signal

async function rowsOf(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) rows.push(...batch)
  return rows
}

test('LocalBulkSource lists every run id once, a resumed run (three folders) as one', async () => {
  const source = await LocalBulkSource.open(WANDB)
  assert.equal(source.remote, false)
  assert.equal(source.description.kind, 'local')
  const handles = await source.list({}, signal)
  const ids = handles.map((h) => h.id)
  assert.deepEqual(ids, (await LocalRuns.open(WANDB)).ids())
  assert.equal(ids.filter((id) => id === 'wbxresumed').length, 1)
  assert.equal(new Set(ids).size, ids.length)
  assert.ok(ids.includes('wbxscalars') && ids.includes('wbxartifacts'))
  for (const h of handles) {
    assert.equal(h.updatedAt, undefined, 'known only after opening')
    assert.equal(typeof h.createdAt, 'string', `${h.id} has a start time from its folder`)
  }
})

test('LocalBulkSource keeps only --runs ids and refuses server filters with a clear error', async () => {
  const source = await LocalBulkSource.open(WANDB)
  const picked = await source.list({ runs: ['wbxnested', 'wbxscalars', 'absent'] }, signal)
  assert.deepEqual(picked.map((h) => h.id).sort(), ['wbxnested', 'wbxscalars'])
  await assert.rejects(
    source.list({ filters: { state: 'finished' } }, signal),
    (err: Error) =>
      err instanceof TypeError &&
      /Cannot apply --filters to a local wandb\/ folder/.test(err.message),
  )
  // an empty filters object is no filter
  assert.ok((await source.list({ filters: {} }, signal)).length > 2)
})

test('an opened local bulk run carries the run metadata and reads the same history as LocalRun', async () => {
  const source = await LocalBulkSource.open(WANDB)
  const [handle] = await source.list({ runs: ['wbxscalars'] }, signal)
  const run = await handle.open(signal)
  const local = await (await LocalRuns.open(WANDB)).get('wbxscalars')
  assert.equal(run.id, 'wbxscalars')
  assert.equal(run.systemSampled, false, 'local system metrics are every sample')
  assert.equal(run.name, local.displayName)
  assert.equal(run.lastHistoryStep, local.lastHistoryStep)
  assert.ok(run.lastHistoryStep > 0)
  const expected = await rowsOf(local.scanHistory())
  const got = await rowsOf(run.history({ minStep: 0, maxStep: run.lastHistoryStep + 1, signal }))
  assert.equal(got.length, expected.length)
  assert.deepEqual(got.map((r) => r._step), expected.map((r) => r._step))
  assert.deepEqual(got.at(-1), expected.at(-1))
  // a step window keeps only its rows
  const window = await rowsOf(run.history({ minStep: 2, maxStep: 4, signal }))
  assert.deepEqual(window.map((r) => r._step), [2, 3])
})
